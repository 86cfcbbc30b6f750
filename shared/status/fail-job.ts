import type { JobId } from '../contracts/job-id.js';
import type { ErrorCode } from '../errors.js';
import { blankJob } from './blank-job.js';
import { changeJob, withoutLease, type JobLife } from './job-life.js';
import type { JobStatus } from './job-status.js';
import { transitionJob } from './transition-job.js';

export interface JobFailure {
  code: ErrorCode;
  /** What failed and what to do about it, in words a person can act on: the history note too. */
  message: string;
}

export interface FailRules {
  /** Why the job keeps its own story instead ('' fails it); a job that does not exist is created failed. */
  leave: (current: JobStatus | undefined) => string;
  /** What a job created failed carries besides its id (e.g. the request's source). */
  blank?: Partial<JobStatus>;
  /** More fields for the failed job (e.g. the build that led to it). */
  changes?: (current: JobStatus | undefined) => Partial<JobStatus>;
}

/**
 * Fails the job with a reason, the one way every function does: the error on the document, the
 * message as the history note, the lease gone. Returns why it was left instead, when it was.
 */
export async function failJob(
  life: JobLife,
  id: JobId,
  failure: JobFailure,
  { leave, blank = {}, changes }: FailRules,
): Promise<{ failed: true } | { failed: false; reason: string }> {
  let left = '';
  await changeJob(life, id, (current) => {
    left = leave(current);
    if (left) return { keep: true };
    const now = life.clock();
    const base = withoutLease(current ?? blankJob(id, now, { state: 'failed', ...blank }));
    const error = { code: failure.code, message: failure.message };
    return { write: transitionJob(base, 'failed', now, { ...changes?.(current), error }, failure.message) };
  });
  return left ? { failed: false, reason: left } : { failed: true };
}
