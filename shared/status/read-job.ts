import { jobObjectPath, type JobId } from '../contracts/job-id.js';
import type { DocumentStore } from '../ports/document-store.js';
import { JobStatus } from './job-status.js';
import { readDocument } from './read-document.js';

/** The job's status document, or undefined if it has none; one that fails its schema throws UnreadableDocumentError. */
export async function readJob(store: DocumentStore, id: JobId): Promise<JobStatus | undefined> {
  return readDocument(store, jobObjectPath(id), JobStatus);
}
