import { jobObjectPath, type JobId } from '../contracts/job-id.js';
import type { DocumentStore } from '../ports/document-store.js';
import { indexEntryMetadata } from './index-entry-metadata.js';
import { JobStatus } from './job-status.js';
import { updateDocument, type Change } from './update-document.js';

/**
 * Compare-and-swap of one job's status document, always written with its index entry as custom
 * metadata: the repository index is derived from a listing of these, so a job write that left the
 * metadata out would cost the index writer a read of the whole document. A write waits out the
 * store's per-object interval since the stored one (its updatedAt), rather than earn a 429.
 */
export function updateJobDocument(
  store: DocumentStore,
  id: JobId,
  decide: (current: JobStatus | undefined) => Change<JobStatus>,
): Promise<{ value: JobStatus | undefined; changed: boolean }> {
  const path = jobObjectPath(id);
  return updateDocument(store, path, JobStatus, decide, {
    metadataOf: (job) => indexEntryMetadata(job, path),
    // Every job write moves updatedAt: a job's writers (worker, build-events) pace each other by it.
    writtenAt: (job) => Date.parse(job.updatedAt),
  });
}
