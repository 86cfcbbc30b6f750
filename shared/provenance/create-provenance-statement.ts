import type { JobStatus } from '../status/job-status.js';
import {
  PkgrelayBuildType,
  ProvenancePredicateType,
  StatementType,
  type ProvenanceStatement,
  type ResourceDescriptor,
} from './provenance-statement.js';
import type { BuildFacts } from './read-build-facts.js';

/**
 * The in-toto Statement (SLSA provenance v1) of a published job: its files with their sha256, the
 * upstream tag and the commit the fetch step checked out, and both builds with their images and pinned
 * tools: `phase`, the build phase that fetched and built upstream code, and `build`, which published it
 * (one build did both before the split: then `phase` is unset).
 */
export function createProvenanceStatement(
  job: JobStatus,
  build: BuildFacts,
  phase?: BuildFacts,
): ProvenanceStatement {
  const origin = phase ?? build;
  const subs = origin.substitutions;
  const commit = origin.commit ?? job.upstream?.commit;
  const builds = phase ? [phase, build] : [build];
  const source = subs['_PKGRELAY_UPSTREAM_URL'] ?? '';
  const optional = (key: string, name: string): Record<string, string> =>
    subs[key] ? { [name]: subs[key] } : {};
  return {
    _type: StatementType,
    subject: job.artifacts.map((artifact) => ({
      name: artifact.filename,
      digest: { sha256: artifact.sha256 },
    })),
    predicateType: ProvenancePredicateType,
    predicate: {
      buildDefinition: {
        buildType: PkgrelayBuildType,
        externalParameters: {
          repository: job.repository,
          tag: job.tag,
          version: job.version,
          source,
          ...optional('_PKGRELAY_SUBDIR', 'subdirectory'),
          ...optional('_PKGRELAY_DISTRIBUTION_NAME', 'distributionName'),
          ...optional('_PKGRELAY_VERSION_POLICY', 'versionPolicy'),
          registry: build.substitutions['_PKGRELAY_REGISTRY_URL'] ?? subs['_PKGRELAY_REGISTRY_URL'] ?? '',
        },
        internalParameters: {
          ...(build.projectId ? { projectId: build.projectId } : {}),
          attempt: job.attempt,
          isolation: subs['_PKGRELAY_ISOLATION'] !== 'false',
          ...(phase ? { buildPhase: phase.buildId } : {}),
        },
        resolvedDependencies: [
          {
            uri: `git+${source}@refs/tags/${job.tag}`,
            name: job.repository,
            ...(commit ? { digest: { gitCommit: commit } } : {}),
          },
        ],
      },
      runDetails: {
        builder: {
          id: `https://cloudbuild.googleapis.com/v1/projects/${build.projectId ?? '-'}/builds`,
          builderDependencies: [
            ...stepImages(builds.flatMap((facts) => facts.steps)),
            ...pinnedTools(builds.map((facts) => facts.stepData['tool-requirements.txt'])),
          ],
        },
        metadata: {
          invocationId: build.buildId,
          ...(origin.startedOn ? { startedOn: origin.startedOn } : {}),
          ...(build.finishedOn ? { finishedOn: build.finishedOn } : {}),
        },
      },
    },
  };
}

// One descriptor per distinct image, naming the steps (of either build) that ran in it.
function stepImages(steps: BuildFacts['steps']): ResourceDescriptor[] {
  const images = new Map<string, { steps: string[]; digest: string | undefined }>();
  for (const step of steps) {
    const seen = images.get(step.image) ?? { steps: [], digest: step.digest };
    seen.steps.push(step.id);
    images.set(step.image, seen);
  }
  return [...images].map(([image, { steps, digest }]) => {
    const hex = digest?.match(/^sha256:([0-9a-f]{64})$/)?.[1];
    return {
      name: image,
      uri: `docker://${image}`,
      ...(hex ? { digest: { sha256: hex } } : {}),
      annotations: { steps },
    };
  });
}

// `name==version` lines of each build's tool-requirements.txt, as package URLs, each pin once.
function pinnedTools(requirements: ReadonlyArray<string | undefined>): ResourceDescriptor[] {
  const pins = new Set(
    requirements
      .flatMap((text) => (text ?? '').split('\n'))
      .map((line) => line.trim())
      .filter((line) => /^[A-Za-z0-9._-]+==[A-Za-z0-9.+!_-]+$/.test(line)),
  );
  return [...pins].map((pin) => {
    const [name = '', version = ''] = pin.split('==');
    return { name: pin, uri: `pkg:pypi/${name.toLowerCase()}@${version}` };
  });
}
