import type { JobStatus } from '../../shared/status/job-status.js';

/** A job as the worker first records it: queued, attempt 1, version from a `v`-prefixed tag. */
export function queuedJob(repository: string, tag: string, now: Date): JobStatus {
  return {
    schemaVersion: 1,
    repository,
    tag,
    version: tag.slice(1),
    state: 'queued',
    attempt: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    artifacts: [],
    history: [{ state: 'queued', at: now.toISOString(), attempt: 1 }],
  };
}
