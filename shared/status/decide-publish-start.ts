import type { BuildNotification } from '../build/read-build-notification.js';
import { judgeBuildOrigin } from './judge-build-origin.js';
import { isLeaseLive } from './job-lease.js';
import { isFinal, type JobStatus } from './job-status.js';

export type PublishDecision =
  | { action: 'start'; takeover: boolean }
  | { action: 'leave'; reason: string }
  | { action: 'wait'; reason: string };

/**
 * Whether `holder` may start the publish phase of the job on its build phase's success. Only the
 * job's own build phase, once: a job with its publish phase recorded, or being started under another's
 * live lease, is left or waited for. Once the build is recorded, the job's lease belongs to whoever
 * starts its publish phase; a takeover of an expired one must first look for the build its holder made.
 */
export function decidePublishStart(
  job: JobStatus | undefined,
  build: BuildNotification,
  builder: string | undefined,
  holder: string,
  now: Date,
): PublishDecision {
  const why = whyNot(job, build, builder);
  if (why || !job) return { action: 'leave', reason: why || 'no job has this build' };
  // Before the build is recorded the lease is the worker's, which this build phase now supersedes.
  const lease = job.build ? job.lease : undefined;
  if (isLeaseLive(lease, now) && lease.holder !== holder)
    return { action: 'wait', reason: `${lease.holder} starts the publish phase until ${lease.expiresAt}` };
  return { action: 'start', takeover: lease !== undefined };
}

// Only the job's own build phase, once, may start a publish phase.
function whyNot(job: JobStatus | undefined, build: BuildNotification, builder: string | undefined): string {
  if (!job) return 'no job has this build';
  if (job.attempt !== build.job?.attempt) return `the job is on attempt ${job.attempt}`;
  if (isFinal(job.state)) return `the job is already ${job.state}`;
  if (job.publishBuild) return `the job's publish phase ${job.publishBuild.id} is recorded`;
  if (job.build && job.build.id !== build.buildId)
    return `the job runs build ${job.build.id}, not ${build.buildId}`;
  if (!job.build) return judgeBuildOrigin(build, job, { serviceAccount: builder });
  return '';
}
