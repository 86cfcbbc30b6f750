import type { BuildNotification } from '../../shared/build/read-build-notification.js';
import { judgeBuildOrigin, type BuildOrigin } from '../../shared/status/judge-build-origin.js';
import type { JobState, JobStatus } from '../../shared/status/job-status.js';
import { judgeForwardMove } from '../../shared/status/judge-forward-move.js';

/** Why a notification changes nothing; `foreign` when the build is not the job's own (worth a WARNING). */
export type Judgement = { apply: true } | { apply: false; reason: string; foreign: boolean };

/**
 * Whether a build notification may touch the job. Statuses only move forward: nothing after a final
 * state, no second "building", nothing from another attempt. Only the job's recorded build counts;
 * a job with none recorded yet (its worker is about to record it, or died first) takes a build of its
 * attempt only if pkgrelay created it (judgeBuildOrigin).
 */
export function judgeNotification(
  current: JobStatus | undefined,
  build: BuildNotification,
  target: JobState,
  origin: BuildOrigin,
): Judgement {
  const skip = (reason: string, foreign = false): Judgement => ({ apply: false, reason, foreign });
  if (!current) return skip('no job has this build');
  const attempt = build.job?.attempt;
  if (current.attempt !== attempt)
    return skip(`the notification is for attempt ${attempt}, the job is on ${current.attempt}`);
  // The publish phase is judged against its own record; it counts only once the build phase is recorded.
  const recorded = build.phase === 'publish' ? current.publishBuild : current.build;
  if (build.phase === 'publish' && !current.build) return skip('the job has no build phase recorded', true);
  if (recorded) {
    if (recorded.id !== build.buildId)
      return skip(`the job runs build ${recorded.id}, not ${build.buildId}`, true);
  } else {
    const foreign = judgeBuildOrigin(build, current, origin);
    if (foreign) return skip(foreign, true);
  }
  const backwards = judgeForwardMove(current, target);
  return backwards ? skip(backwards) : { apply: true };
}
