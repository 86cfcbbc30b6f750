import { jobBuildTag } from './job-build-tag.js';
import { createStep, DistArchive, JobSubstitution, type BuildPlan } from './create-build-plan.js';

export interface PublishPlanInput {
  /** The build phase's substitutions, as pkgrelay set them when it created that build. */
  built: Readonly<Record<string, string>>;
  pythonVersion: string;
  /** Normalized names this repository may publish (configured, or claimed at first publication). */
  allowedNames: readonly string[];
  /** Where the build phase's Cloud Build put its archive (its `artifacts.objects.location`). */
  stagingLocation: string;
  /** The publisher account: registry writer, and no step of its builds ever runs upstream code. */
  serviceAccount?: string | undefined;
  timeoutSeconds: number;
  /** PKGRELAY_BUILDER_IMAGE, as the build phase: `receive` then installs nothing, the tools are baked in. */
  builderImage?: string | undefined;
}

// The build phase's settings the publish steps read; the upstream URL stays with the build phase.
const CARRIED = [
  JobSubstitution.repository,
  JobSubstitution.tag,
  JobSubstitution.attempt,
  '_PKGRELAY_VERSION',
  '_PKGRELAY_VERSION_POLICY',
  '_PKGRELAY_DISTRIBUTION_NAME',
  '_PKGRELAY_REGISTRY_URL',
  '_PKGRELAY_ISOLATION',
  '_PKGRELAY_REGISTRY_AUTH',
] as const;

/**
 * The Cloud Build that publishes what a build phase made: its source is that build's archive, its
 * first step keeps only the sdist and wheel and installs its own tools, and no step runs upstream code.
 */
export function createPublishPlan(input: PublishPlanInput): BuildPlan {
  const substitutions: Record<string, string> = {
    ...Object.fromEntries(CARRIED.map((key) => [key, input.built[key] ?? ''])),
    [JobSubstitution.phase]: 'publish',
    _PKGRELAY_ALLOWED_NAMES: input.allowedNames.join(','),
  };
  const step = createStep(substitutions, input.pythonVersion, input.builderImage);
  const { bucket, prefix } = parseGsLocation(input.stagingLocation);
  const job = {
    repository: substitutions[JobSubstitution.repository] ?? '',
    tag: substitutions[JobSubstitution.tag] ?? '',
  };
  return {
    source: { storageSource: { bucket, object: `${prefix}${DistArchive}` } },
    steps: [step('receive'), step('verify'), step('check'), step('upload')],
    substitutions,
    tags: ['pkgrelay', jobBuildTag(job)],
    timeout: { seconds: input.timeoutSeconds },
    options: { substitutionOption: 'MUST_MATCH', logging: 'CLOUD_LOGGING_ONLY' },
    ...(input.serviceAccount ? { serviceAccount: input.serviceAccount } : {}),
  };
}

/** `gs://BUCKET/PREFIX/` as its bucket and object prefix (ending in `/`, or empty). */
export function parseGsLocation(location: string): { bucket: string; prefix: string } {
  const match = /^gs:\/\/([^/]+)\/?(.*)$/.exec(location);
  if (!match) throw new Error(`not a gs:// location: ${location}`);
  const rest = match[2] ?? '';
  return { bucket: match[1] ?? '', prefix: rest === '' || rest.endsWith('/') ? rest : `${rest}/` };
}
