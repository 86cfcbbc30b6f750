import type { BuildOutcome } from '../../shared/build/describe-build-outcome.js';
import { isFinal, type JobStatus } from '../../shared/status/job-status.js';

/**
 * Why a build notification must not touch the job, or '' when it may. Statuses only move forward:
 * nothing after a final state, no second "building", nothing from another attempt or another build.
 * A job with no build recorded adopts a build of its own attempt (its worker died before recording it).
 */
export function judgeNotification(
  current: JobStatus | undefined,
  attempt: number,
  buildId: string,
  target: BuildOutcome['state'],
): string {
  if (!current) return 'no job has this build';
  if (current.attempt !== attempt)
    return `the notification is for attempt ${attempt}, the job is on ${current.attempt}`;
  if (current.build && current.build.id !== buildId) return `the job runs build ${current.build.id}`;
  if (isFinal(current.state)) return `the job is already ${current.state}`;
  if (target === 'building' && current.state === 'building') return 'the job is already building';
  return '';
}
