import type { JobState, JobStatus } from './job-status.js';

/** A copy of the job moved to `state`, with the transition recorded in its history. */
export function transitionJob(
  job: JobStatus,
  state: JobState,
  now: Date,
  changes: Partial<JobStatus> = {},
  note?: string,
): JobStatus {
  const at = now.toISOString();
  return {
    ...job,
    ...changes,
    state,
    updatedAt: at,
    history: [
      ...job.history,
      { state, at, attempt: changes.attempt ?? job.attempt, ...(note ? { note } : {}) },
    ],
  };
}
