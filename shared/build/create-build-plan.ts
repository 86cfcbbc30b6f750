import type { PackageConfig } from '../config/repository-config.js';
import { upstreamUrl } from '../upstream/upstream-url.js';
import { jobBuildTag } from './job-build-tag.js';
import { composeStepProgram } from './steps/compose-step-program.js';

/** Step ids are fixed: the id of a failed step names its error code. */
export const StepId = ['fetch', 'build', 'pack', 'receive', 'verify', 'check', 'upload'] as const;
export type StepId = (typeof StepId)[number];

/** The steps of the build that runs upstream code, and of the one that publishes what it made. */
export const PhaseSteps = {
  build: ['fetch', 'build', 'pack'],
  publish: ['receive', 'verify', 'check', 'upload'],
} as const satisfies Record<string, readonly StepId[]>;
export type BuildPhase = keyof typeof PhaseSteps;

/** The Python module (under `shared/build/python/`) each step runs. */
export const StepModule: Record<StepId, string> = {
  fetch: 'pkgrelay_steps.fetch_source',
  build: 'pkgrelay_steps.build_distributions',
  pack: 'pkgrelay_steps.pack_distributions',
  receive: 'pkgrelay_steps.receive_distributions',
  verify: 'pkgrelay_steps.verify_distributions',
  check: 'pkgrelay_steps.check_distributions',
  upload: 'pkgrelay_steps.upload_distributions',
};

/** The one file the build phase hands the publish phase, in the staging bucket. */
export const DistArchive = 'pkgrelay-dist.tar.gz';

export interface BuildStep {
  id: StepId;
  name: string;
  entrypoint: string;
  args: string[];
  env: string[];
  secretEnv?: string[];
  timeout?: { seconds: number };
}

/** The Build resource as `@google-cloud/cloudbuild` takes it (the fields pkgrelay sets). */
export interface BuildPlan {
  steps: BuildStep[];
  substitutions: Record<string, string>;
  tags: string[];
  timeout: { seconds: number };
  options: { substitutionOption: 'MUST_MATCH'; logging: 'CLOUD_LOGGING_ONLY' };
  availableSecrets?: { secretManager: Array<{ versionName: string; env: string }> };
  serviceAccount?: string;
  /** The build phase's archive, uploaded by Cloud Build after its steps. */
  artifacts?: { objects: { location: string; paths: string[] } };
  /** The publish phase's source: the build phase's archive, unpacked into /workspace. */
  source?: { storageSource: { bucket: string; object: string } };
}

export interface BuildPlanInput {
  projectId: string;
  repository: string;
  tag: string;
  version: string;
  attempt: number;
  /** The package the tag belongs to (resolvePackage): its options, the repository's where it sets none. */
  repo: PackageConfig;
  upstreamBase: string;
  registryUrl: string;
  isolation: boolean;
  registryAuth: 'google' | 'none';
  timeoutSeconds: number;
  /** The builder account: no registry rights; a private repository's own, which may read only its token. */
  serviceAccount?: string | undefined;
  /** The commit the version was published from: the fetch step refuses a tag that now points elsewhere. */
  expectCommit?: string | undefined;
  /** `gs://BUCKET/PREFIX/`, unguessable per attempt, where Cloud Build puts the archive. */
  stagingLocation: string;
  /** PKGRELAY_BUILDER_IMAGE: the steps' image, `{python}` filled with the package's Python version; default python:X. */
  builderImage?: string | undefined;
}

/** The substitution keys that carry a build back to its job. */
export const JobSubstitution = {
  repository: '_PKGRELAY_REPOSITORY',
  tag: '_PKGRELAY_TAG',
  attempt: '_PKGRELAY_ATTEMPT',
  phase: '_PKGRELAY_PHASE',
} as const;

/**
 * The Cloud Build that fetches and builds one tag (upstream code runs here) and leaves its files as one
 * archive in the staging bucket; createPublishPlan's build publishes them. Every value from outside
 * reaches the steps as a substitution mapped into an environment variable: data, never a command line.
 */
export function createBuildPlan(input: BuildPlanInput): BuildPlan {
  const substitutions: Record<string, string> = {
    [JobSubstitution.repository]: input.repository,
    [JobSubstitution.tag]: input.tag,
    [JobSubstitution.attempt]: String(input.attempt),
    [JobSubstitution.phase]: 'build',
    _PKGRELAY_VERSION: input.version,
    _PKGRELAY_UPSTREAM_URL: upstreamUrl(input.upstreamBase, input.repository),
    _PKGRELAY_SUBDIR: input.repo.subdirectory,
    _PKGRELAY_VERSION_POLICY: input.repo.versionPolicy,
    _PKGRELAY_DISTRIBUTION_NAME: input.repo.distributionName ?? '',
    _PKGRELAY_REGISTRY_URL: input.registryUrl,
    _PKGRELAY_ISOLATION: String(input.isolation),
    _PKGRELAY_REGISTRY_AUTH: input.registryAuth,
    _PKGRELAY_EXPECT_COMMIT: input.expectCommit ?? '',
  };
  const step = createStep(substitutions, input.repo.pythonVersion, input.builderImage);
  const secretName = input.repo.private ? input.repo.tokenSecret : undefined;
  return {
    steps: [
      step('fetch', secretName ? { secretEnv: ['PKGRELAY_UPSTREAM_TOKEN'] } : {}),
      step('build'),
      step('pack'),
    ],
    substitutions,
    artifacts: { objects: { location: input.stagingLocation, paths: [DistArchive] } },
    // Build tags cannot hold `/`: a digest of the job identity lets a person filter builds by job.
    tags: ['pkgrelay', jobBuildTag(input)],
    timeout: { seconds: input.timeoutSeconds },
    options: { substitutionOption: 'MUST_MATCH', logging: 'CLOUD_LOGGING_ONLY' },
    ...(secretName
      ? {
          availableSecrets: {
            secretManager: [
              {
                versionName: `projects/${input.projectId}/secrets/${secretName}/versions/latest`,
                env: 'PKGRELAY_UPSTREAM_TOKEN',
              },
            ],
          },
        }
      : {}),
    ...(input.serviceAccount ? { serviceAccount: input.serviceAccount } : {}),
  };
}

/** A step of either phase: `python3 -I -c PROGRAM`, with every substitution in its environment. */
export function createStep(
  substitutions: Record<string, string>,
  pythonVersion: string,
  /** PKGRELAY_BUILDER_IMAGE, `{python}` for the version; unset, the plain `python:X` image. */
  builderImage?: string,
): (id: StepId, extra?: Partial<BuildStep>) => BuildStep {
  const env = Object.keys(substitutions).map((key) => `${key.slice(1)}=\${${key}}`);
  const image = builderImage ? builderImage.replaceAll('{python}', pythonVersion) : `python:${pythonVersion}`;
  return (id, extra = {}) => ({
    id,
    name: image,
    entrypoint: 'python3',
    // `$$` is Cloud Build's escape for a literal `$`: the programs must reach Python unchanged.
    // (A function replacer: in a replacement string, '$$' itself means one '$'.)
    // -I: no user site, no PYTHON* variables, no script folder on sys.path. The build step runs upstream
    // code with a HOME every later step shares: a .pth it leaves in the user site must not run there.
    args: ['-I', '-c', composeStepProgram(StepModule[id]).replaceAll('$', () => '$$')],
    env,
    ...extra,
  });
}
