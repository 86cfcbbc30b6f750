import { jobObjectPath, type JobId } from '../contracts/job-id.js';

/**
 * The provenance statement of a job: its job document's path under `provenance/` instead of `jobs/`,
 * a prefix of its own so no tag's job document can share a name with another tag's statement.
 */
export function provenanceObjectPath(id: JobId): string {
  return jobObjectPath(id).replace(/^jobs\//, 'provenance/');
}

/** Where a published file's sha256 leads to its job and statement. */
export function digestObjectPath(sha256: string): string {
  return `digests/sha256/${sha256}.json`;
}
