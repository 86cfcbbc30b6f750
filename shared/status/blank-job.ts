import type { JobId } from '../contracts/job-id.js';
import type { JobStatus } from './job-status.js';

/** A status document with no history yet, for a job seen for the first time; transitions fill it in. */
export function blankJob(id: JobId, now: Date, fields: Partial<JobStatus> = {}): JobStatus {
  return {
    schemaVersion: 1,
    repository: id.repository,
    tag: id.tag,
    version: '',
    state: 'queued',
    attempt: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    artifacts: [],
    history: [],
    ...fields,
  };
}
