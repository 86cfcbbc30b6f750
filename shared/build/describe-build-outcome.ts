import type { ErrorCode } from '../errors.js';
import type { Artifact, JobState, JobWarning } from '../status/job-status.js';
import type { BuildNotification } from './read-build-notification.js';

export type BuildOutcome =
  | { state: 'building' }
  | { state: 'published' | 'skipped'; artifacts: Artifact[]; reason?: string; warnings?: JobWarning[] }
  | {
      state: 'failed';
      error: { code: ErrorCode; message: string; step?: string; logTail?: string };
      warnings?: JobWarning[];
      /** What a refused upload left in the registry: the files, each marked uploaded or not. */
      artifacts?: Artifact[];
    }
  | { state: 'unknown' };

// What a failed step means when the step could not say more itself.
const STEP_CODES: Record<string, { code: ErrorCode; message: string }> = {
  fetch: {
    code: 'SOURCE_NOT_FOUND',
    message: 'the tag could not be fetched: check that the repository and the tag exist',
  },
  build: { code: 'BUILD_FAILED', message: 'building the sdist and wheel failed: see the build log' },
  pack: { code: 'BUILD_FAILED', message: 'the built files could not be packed: see the build log' },
  receive: {
    code: 'BUILD_FAILED',
    message: "the build's archive held no sdist or wheel, or the publishing tools could not be installed",
  },
  verify: { code: 'VERSION_MISMATCH', message: 'the built files do not carry the version of the tag' },
  check: {
    code: 'METADATA_INVALID',
    message: 'the built metadata is invalid: an index or pip would refuse it',
  },
  upload: {
    code: 'UPLOAD_REJECTED',
    message: 'the registry refused the upload: check its URL and the publisher service account',
  },
};

/** Maps a Cloud Build status, and what its steps reported (warnings included), to the job state it leads to. */
export function describeBuildOutcome(build: BuildNotification, timeoutSeconds: number): BuildOutcome {
  const outcome = outcomeOf(build, timeoutSeconds);
  if (build.warnings.length === 0 || outcome.state === 'building' || outcome.state === 'unknown')
    return outcome;
  return { ...outcome, warnings: build.warnings };
}

function outcomeOf(build: BuildNotification, timeoutSeconds: number): BuildOutcome {
  switch (build.status) {
    case 'PENDING':
    case 'QUEUED':
    case 'WORKING':
      return { state: 'building' };
    case 'SUCCESS': {
      // The build phase's success only hands its files on: the job ends with the publish phase.
      if (build.phase === 'build') return { state: 'building' };
      const artifacts = build.artifacts ?? [];
      if (artifacts.length > 0 && artifacts.every((artifact) => !artifact.uploaded)) {
        const foreign = artifacts.filter((artifact) => artifact.builtSha256);
        return {
          state: 'skipped',
          artifacts,
          reason: foreign.length
            ? `the registry already holds files of this version that this build did not make: ${foreign
                .map((file) => `${file.filename} (sha256 ${file.sha256}, this build ${file.builtSha256})`)
                .join(', ')}; nothing was uploaded, so the version never mixes two builds`
            : 'every file was already in the registry; the upload skipped them',
        };
      }
      return { state: 'published', artifacts };
    }
    case 'FAILURE': {
      const step = build.failedStep;
      const known = step ? STEP_CODES[step.id] : undefined;
      const error = step?.error ?? known;
      return {
        state: 'failed',
        error: {
          code: error?.code ?? 'BUILD_FAILED',
          message: `${step ? `step "${step.id}": ` : ''}${error?.message ?? build.failureDetail ?? 'the build failed: see its log'}`,
          ...(step ? { step: step.id } : {}),
          ...(step?.error?.logTail ? { logTail: step.error.logTail } : {}),
        },
        // Only the publish phase's upload step reports files: which of them went up before it failed.
        ...(build.phase === 'publish' && build.artifacts?.length ? { artifacts: build.artifacts } : {}),
      };
    }
    case 'TIMEOUT':
      return failed(
        'TIMED_OUT',
        `the build ran longer than its timeout (${timeoutSeconds} s): raise PKGRELAY_BUILD_TIMEOUT_SECONDS, or look in the log for a step that hangs`,
        build,
      );
    case 'CANCELLED':
      return failed(
        'CANCELLED',
        'the build was cancelled; publish the request again with "force": true to run it',
        build,
      );
    case 'EXPIRED':
      return failed(
        'EXPIRED',
        'the build waited in the queue past its time to live; publish the request again with "force": true',
        build,
      );
    case 'INTERNAL_ERROR':
      return failed(
        'INTERNAL_ERROR',
        `Cloud Build had an internal error (${build.failureDetail ?? 'no detail'}); run it again with "force": true`,
        build,
      );
    case 'STATUS_UNKNOWN':
      return { state: 'unknown' };
  }
}

function failed(code: ErrorCode, message: string, build: BuildNotification): BuildOutcome {
  return {
    state: 'failed',
    error: { code, message, ...(build.failedStep ? { step: build.failedStep.id } : {}) },
  };
}

export type { JobState };
