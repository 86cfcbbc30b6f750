import type { BuildNotification } from '../../shared/build/read-build-notification.js';
import { judgeBuildOrigin, type BuildOrigin } from '../../shared/status/judge-build-origin.js';
import type { JobStatus } from '../../shared/status/job-status.js';
import type { Refusal } from '../../shared/status/record-build-outcome.js';

/**
 * Why a build notification may not touch the job, or undefined when its build is the job's: nothing
 * from another attempt, and only the job's recorded build counts; a job with none recorded yet (its
 * worker is about to record it, or died first) takes a build of its attempt only if pkgrelay created it
 * (judgeBuildOrigin). Whether the move goes forward is recordBuildOutcome's to judge.
 */
export function judgeNotification(
  current: JobStatus,
  build: BuildNotification,
  origin: BuildOrigin,
): Refusal | undefined {
  const skip = (reason: string, foreign = false): Refusal => ({ reason, foreign });
  const attempt = build.job?.attempt;
  if (current.attempt !== attempt)
    return skip(`the notification is for attempt ${attempt}, the job is on ${current.attempt}`);
  // The publish phase is judged against its own record; it counts only once the build phase is recorded.
  const recorded = build.phase === 'publish' ? current.publishBuild : current.build;
  if (build.phase === 'publish' && !current.build) return skip('the job has no build phase recorded', true);
  if (recorded) {
    if (recorded.id !== build.buildId)
      return skip(`the job runs build ${recorded.id}, not ${build.buildId}`, true);
    return undefined;
  }
  const foreign = judgeBuildOrigin(build, current, origin);
  return foreign ? skip(foreign, true) : undefined;
}
