import { setTimeout as sleep } from 'node:timers/promises';
import { badgeObjectPath, jobObjectPath, type JobId } from '../contracts/job-id.js';
import { UnreadableDocumentError } from '../errors.js';
import { silentLogger, type Logger } from '../log/create-logger.js';
import type { DocumentStore } from '../ports/document-store.js';
import type { JobStatus } from './job-status.js';
import { findIndexHolding } from './find-index-holding.js';
import { readDocument } from './read-document.js';
import { Badge, indexEntryOf } from './repository-index.js';
import { syncRepositoryIndex } from './sync-repository-index.js';
import type { Change } from './update-document.js';
import { updateJobDocument } from './update-job-document.js';
import { badgeOf, badgeShows, writeBadge } from './write-badge.js';

/**
 * Moves a job's status document on with compare-and-swap, then waits until the repository's index
 * (and, for a published job, the badge) shows it. The index is derived from the job documents and
 * written by whichever waiting job gets there first, about once a second, so many jobs of one
 * repository never queue behind its one object. Index and badge are synced even when the job is
 * kept, so an update that died between the writes is repaired by the next delivery; a reader may
 * see them lag the job document by about a second. An unreadable job document throws
 * UnreadableDocumentError; an unreadable index or badge is left as it is and logged, since the job
 * document is the record they only follow.
 */
export async function updateJob(
  store: DocumentStore,
  id: JobId,
  decide: (current: JobStatus | undefined) => Change<JobStatus>,
  now: () => Date,
  logger: Logger = silentLogger,
): Promise<{ job: JobStatus | undefined; changed: boolean }> {
  const { value: job, changed } = await updateJobDocument(store, id, decide);
  if (job) {
    await syncIndexAndBadge(store, job, changed, now, logger).catch((error: unknown) => {
      if (!(error instanceof UnreadableDocumentError)) throw error;
      logger.error('status document left alone: it is unreadable', {
        path: error.path,
        problem: error.problem,
      });
    });
  }
  return { job, changed };
}

async function syncIndexAndBadge(
  store: DocumentStore,
  job: JobStatus,
  changed: boolean,
  now: () => Date,
  logger: Logger,
): Promise<void> {
  // A kept job (a redelivery) is usually in the index already: then nothing is written.
  const held = changed
    ? undefined
    : await findIndexHolding(store, job.repository, indexEntryOf(job, jobObjectPath(job)));
  const { wrote, badge } = held
    ? { wrote: false, badge: badgeOf(held) }
    : await syncRepositoryIndex(store, job.repository, now, logger);
  if (!badge) return;
  // The index's writer brings the badge along; the index may show jobs published by others too.
  if (wrote) {
    await writeBadge(store, job.repository, badge);
    return;
  }
  if (job.state !== 'published' || (await readsAs(store, job.repository, badge))) return;
  // The index's writer is usually writing the badge right now: give it the interval before repairing it.
  const interval = store.sameObjectWriteIntervalMs ?? 0;
  if (interval > 0) await sleep(interval);
  await writeBadge(store, job.repository, badge);
}

async function readsAs(store: DocumentStore, repository: string, expected: Badge): Promise<boolean> {
  return badgeShows(await readDocument(store, badgeObjectPath(repository), Badge), expected);
}
