import type { BuildOutcome } from '../build/describe-build-outcome.js';
import type { BuildNotification } from '../build/read-build-notification.js';
import type { JobStatus } from './job-status.js';
import { transitionJob } from './transition-job.js';

/** What of a build its outcome records: its id and log, and what its status and steps said. */
export type OutcomeBuild = Pick<BuildNotification, 'buildId' | 'logUrl'> & {
  status?: BuildNotification['status'] | undefined;
  upstream?: BuildNotification['upstream'];
  phase?: BuildNotification['phase'];
};

/**
 * The job as a build's status leaves it: building, or final with artifacts or an error. The lease
 * goes, since the build now carries the job. Callers check first that the build belongs to the job.
 */
export function applyBuildOutcome(
  current: JobStatus,
  build: OutcomeBuild,
  outcome: Exclude<BuildOutcome, { state: 'unknown' }>,
  now: Date,
  /** Who moved the job, written before the history note (e.g. "settled by reconcile"). */
  by?: string,
): JobStatus {
  const { lease: _lease, ...job } = current;
  // What the fetch step checked out: drift is measured against it, and a forced rebuild names what it replaces.
  if (build.upstream) job.upstream = build.upstream;
  const note = (text?: string): string | undefined => (by ? (text ? `${by}: ${text}` : by) : text);
  // The publish phase's build has a field of its own: `build` keeps the one where upstream code ran.
  const field = build.phase === 'publish' ? 'publishBuild' : 'build';
  const known = job[field]?.logUrl;
  const record = {
    id: build.buildId,
    ...(build.status ? { status: build.status } : {}),
    ...(build.logUrl ? { logUrl: build.logUrl } : known ? { logUrl: known } : {}),
  };
  const buildInfo: Partial<JobStatus> =
    field === 'publishBuild' ? { publishBuild: record, schemaVersion: 2 } : { build: record };
  switch (outcome.state) {
    case 'building':
      return transitionJob(job, 'building', now, buildInfo, note());
    case 'published':
    case 'skipped':
      return transitionJob(
        job,
        outcome.state,
        now,
        {
          ...buildInfo,
          artifacts: outcome.artifacts,
          ...(outcome.reason ? { reason: outcome.reason } : {}),
          ...(outcome.warnings ? { warnings: outcome.warnings } : {}),
        },
        note(outcome.reason),
      );
    case 'failed':
      return transitionJob(
        job,
        'failed',
        now,
        {
          ...buildInfo,
          error: outcome.error,
          ...(outcome.artifacts ? { artifacts: outcome.artifacts } : {}),
          ...(outcome.warnings ? { warnings: outcome.warnings } : {}),
        },
        note(outcome.error.message),
      );
  }
}
