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
 * upstream tag and the commit the fetch step checked out, and the build with its images and pinned tools.
 */
export function createProvenanceStatement(job: JobStatus, build: BuildFacts): ProvenanceStatement {
  const subs = build.substitutions;
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
          registry: subs['_PKGRELAY_REGISTRY_URL'] ?? '',
        },
        internalParameters: {
          ...(build.projectId ? { projectId: build.projectId } : {}),
          attempt: job.attempt,
          isolation: subs['_PKGRELAY_ISOLATION'] !== 'false',
        },
        resolvedDependencies: [
          {
            uri: `git+${source}@refs/tags/${job.tag}`,
            name: job.repository,
            ...(build.commit ? { digest: { gitCommit: build.commit } } : {}),
          },
        ],
      },
      runDetails: {
        builder: {
          id: `https://cloudbuild.googleapis.com/v1/projects/${build.projectId ?? '-'}/builds`,
          builderDependencies: [
            ...stepImages(build),
            ...pinnedTools(build.stepData['tool-requirements.txt']),
          ],
        },
        metadata: {
          invocationId: build.buildId,
          ...(build.startedOn ? { startedOn: build.startedOn } : {}),
          ...(build.finishedOn ? { finishedOn: build.finishedOn } : {}),
        },
      },
    },
  };
}

// One descriptor per distinct image, naming the steps that ran in it.
function stepImages(build: BuildFacts): ResourceDescriptor[] {
  const images = new Map<string, { steps: string[]; digest: string | undefined }>();
  for (const step of build.steps) {
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

// `name==version` lines of tool-requirements.txt, as package URLs.
function pinnedTools(requirements: string | undefined): ResourceDescriptor[] {
  return (requirements ?? '')
    .split('\n')
    .map((line) => line.trim().match(/^([A-Za-z0-9._-]+)==([A-Za-z0-9.+!_-]+)$/))
    .filter((match) => match !== null)
    .map(([, name, version]) => ({
      name: `${name}==${version}`,
      uri: `pkg:pypi/${name?.toLowerCase()}@${version}`,
    }));
}
