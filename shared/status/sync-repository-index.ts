import { setTimeout as delay } from 'node:timers/promises';
import { indexObjectPath } from '../contracts/job-id.js';
import { TransientError, UnreadableDocumentError } from '../errors.js';
import type { Logger } from '../log/create-logger.js';
import type { DocumentStat, DocumentStore, WriteRefusal } from '../ports/document-store.js';
import { deriveRepositoryIndex } from './derive-repository-index.js';
import { describeIssues } from './describe-issues.js';
import { indexFoldOf, type IndexFold } from './index-fold.js';
import { ABSENT_GENERATION, indexWriteMetadata, readIndexWrite } from './index-write-metadata.js';
import { RepositoryIndex, type Badge } from './repository-index.js';
import { badgeOf } from './write-badge.js';
import { waitOutRateLimit } from './wait-out-rate-limit.js';

export interface IndexSyncOptions {
  /** Give up (a transient error, so the delivery is retried) after this many looks at the index. */
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * Called after a job document was written (or read): waits until the repository index has taken
 * it in, writing the index only when nobody else has. The writer derives the whole index from one
 * listing of the job documents, so each write takes in every job that changed before it, and
 * writers pace themselves by the store's per-object write interval. Waiting costs a metadata-only
 * read a look, whatever the number of jobs: each write names the generation it replaced, and one
 * that replaced a generation newer than the one seen after the job's write was listed after it.
 * Returns whether this call wrote the index, and the badge the index implies.
 */
export async function syncRepositoryIndex(
  store: DocumentStore,
  repository: string,
  now: () => Date,
  logger: Logger,
  { attempts = 60, sleep = delay, random = Math.random }: IndexSyncOptions = {},
): Promise<{ wrote: boolean; badge: Badge | undefined }> {
  const path = indexObjectPath(repository);
  const interval = store.sameObjectWriteIntervalMs ?? 0;
  // Seen after the job's write: a write that replaced a later generation read it, then listed.
  let current = await store.stat(path);
  const since = current?.generation ?? ABSENT_GENERATION;
  let waitedFor: string | undefined;
  const fold = indexFoldOf(store, repository);
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) current = await store.stat(path);
    const written = current && readIndexWrite(current);
    if (current && written && current.generation !== since && written.follows !== since)
      return { wrote: false, badge: written.badge };
    // One writer a repository in this instance: a waiter beside it would list the same objects again.
    if (fold.writing) {
      await fold.writing.catch(() => undefined);
      continue;
    }
    // The next write may land an interval and a fifth (uploads vary under load) after the last was
    // stamped. Its writer starts about as long before that as the last one took, and the write waits
    // for its time: so writes come one an interval whatever the listing costs, where starting after
    // the interval made every write (and every job's wait for it) later by the listing's time, which
    // grows with the number of jobs.
    const lands = written ? written.writtenAt + interval * 1.2 : 0;
    const lead = written ? Math.min(written.tookMs, interval) : 0;
    // The jitter spreads instances' writers: the first one's write usually answers the others before they list.
    const jitter = random() * Math.min(250, interval / 4);
    const wait = written ? Math.min(interval * 1.2, lands - lead - jitter - now().getTime()) : 0;
    // Once per generation: a writer whose clock runs ahead must not hold everyone back for longer.
    if (current && wait > 0 && waitedFor !== current.generation) {
      waitedFor = current.generation;
      await sleep(wait);
      continue;
    }
    const writing = writeIndex(store, repository, current, { now, logger, fold, lands, sleep });
    fold.writing = writing;
    const wrote = await writing.finally(() => {
      if (fold.writing === writing) fold.writing = undefined;
    });
    if ('badge' in wrote) return { wrote: true, badge: wrote.badge };
    // Refused for the rate: the index changed within the interval, by a write this one has not seen.
    if (wrote.lost === 'rate-limited') await waitOutRateLimit(store, { sleep, random });
    // Another writer came first: its write may be the one that answers, so look again before listing.
    else await sleep(random() * 20);
  }
  throw new TransientError(`Gave up updating ${path}: no write took in the job after ${attempts} looks`);
}

/**
 * One compare-and-swap of the index over `current`, derived from a listing made after it was seen,
 * written no sooner than `lands`. The index this instance last wrote or read is not read again.
 */
async function writeIndex(
  store: DocumentStore,
  repository: string,
  current: DocumentStat | undefined,
  {
    now,
    logger,
    fold,
    lands,
    sleep,
  }: {
    now: () => Date;
    logger: Logger;
    fold: IndexFold;
    lands: number;
    sleep: (ms: number) => Promise<void>;
  },
): Promise<{ badge: Badge | undefined } | { lost: WriteRefusal }> {
  const path = indexObjectPath(repository);
  const follows = current?.generation ?? ABSENT_GENERATION;
  const started = now().getTime();
  let previous: RepositoryIndex | undefined;
  if (current && fold.last?.generation === follows) previous = fold.last.index;
  else if (current) {
    // The index is evidence like every status document: one that does not parse is never overwritten.
    const stored = await store.read(path);
    if (stored?.generation !== follows) return { lost: 'conflict' };
    const parsed = RepositoryIndex.safeParse(stored.data);
    if (!parsed.success)
      throw new UnreadableDocumentError(path, stored.problem ?? describeIssues(parsed.error));
    previous = parsed.data;
    fold.last = { generation: follows, index: previous };
  }
  const next = await deriveRepositoryIndex(store, repository, previous, now(), logger, fold);
  const checked = RepositoryIndex.safeParse(next);
  if (!checked.success) throw new Error(`Refused to write ${path}: it ${describeIssues(checked.error)}`);
  const badge = badgeOf(checked.data);
  const tookMs = now().getTime() - started;
  const early = lands - now().getTime();
  if (early > 0) await sleep(early);
  const result = await store.write(path, checked.data, {
    ifGenerationMatch: follows,
    // Stamped when it is sent: waiters pace themselves from when it lands.
    metadata: indexWriteMetadata({ follows, writtenAt: now().getTime(), tookMs, badge }),
  });
  if (!result.success) return { lost: result.error };
  fold.last = { generation: result.data.generation, index: checked.data };
  return { badge };
}
