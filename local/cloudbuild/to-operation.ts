import type { Build } from './build-types.js';

const MetadataType = 'type.googleapis.com/google.devtools.cloudbuild.v1.BuildOperationMetadata';
const BuildType = 'type.googleapis.com/google.devtools.cloudbuild.v1.Build';

/** The long-running operation's name for a build, in the global or the regional form. */
export function operationNameOf(build: Build): string {
  const opId = Buffer.from(build.id).toString('base64url');
  const location = locationOf(build);
  return location === 'global'
    ? `operations/build/${build.projectId}/${opId}`
    : `projects/${build.projectId}/locations/${location}/operations/${opId}`;
}

/** Reads the build id back from the last segment of an operation name. */
export function buildIdOfOperation(opId: string): string {
  return Buffer.from(opId, 'base64url').toString('utf8');
}

export function locationOf(build: Build): string {
  return /\/locations\/([^/]+)\//.exec(build.name)?.[1] ?? 'global';
}

// gRPC codes the operation's error carries when a build ends other than in SUCCESS.
const errorOf: Partial<Record<Build['status'], { code: number; message: string }>> = {
  FAILURE: { code: 2, message: 'Build failed; check build logs for details' },
  INTERNAL_ERROR: { code: 13, message: 'Build failed with an internal error' },
  TIMEOUT: { code: 4, message: 'Build timeout' },
  CANCELLED: { code: 1, message: 'Build was cancelled' },
  EXPIRED: { code: 4, message: 'Build expired in the queue' },
};

/** The build as a google.longrunning.Operation: done once the build reached a final status. */
export function toOperation(build: Build): Record<string, unknown> {
  const operation: Record<string, unknown> = {
    name: operationNameOf(build),
    metadata: { '@type': MetadataType, build },
    done: false,
  };
  if (build.status === 'SUCCESS')
    return { ...operation, done: true, response: { '@type': BuildType, ...build } };
  const error = errorOf[build.status];
  if (error) return { ...operation, done: true, error };
  return operation;
}
