import type { JobId } from '../contracts/job-id.js';
import type { Logger } from '../log/create-logger.js';
import type { DocumentStore } from '../ports/document-store.js';
import type { JobEvents } from '../ports/job-events.js';
import type { JobStatus } from './job-status.js';
import type { Change } from './update-document.js';
import { updateAnnouncedJob } from './update-announced-job.js';

/** What every operation of a job's life works over: the record, where its transitions are announced, time, the log. */
export interface JobLife {
  store: DocumentStore;
  /** Where each transition is announced; unset, none is. */
  events?: JobEvents | undefined;
  clock: () => Date;
  logger: Logger;
}

/** One compare-and-swap step of the job's life: its document, index and badge, and the events it yields. */
export function changeJob(
  { store, events, clock, logger }: JobLife,
  id: JobId,
  decide: (current: JobStatus | undefined) => Change<JobStatus>,
): Promise<{ job: JobStatus | undefined; changed: boolean }> {
  return updateAnnouncedJob(store, events, id, decide, clock, logger);
}

/** The job without its lease: whatever moves it on next no longer needs one. */
export function withoutLease(job: JobStatus): JobStatus {
  const { lease: _lease, ...rest } = job;
  return rest;
}
