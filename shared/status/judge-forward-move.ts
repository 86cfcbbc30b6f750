import { isFinal, type JobState, type JobStatus } from './job-status.js';

/**
 * Why moving the job to `target` would move it backwards, or '' when it moves forward: statuses only
 * move forward, so nothing follows a final state and a building job is not "re-started".
 */
export function judgeForwardMove(current: Pick<JobStatus, 'state'>, target: JobState): string {
  if (isFinal(current.state)) return `the job is already ${current.state}`;
  if (target === 'building' && current.state === 'building') return 'the job is already building';
  return '';
}
