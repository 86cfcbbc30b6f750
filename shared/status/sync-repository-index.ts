import { indexObjectPath } from '../contracts/job-id.js';
import { TransientError, UnreadableDocumentError } from '../errors.js';
import type { Logger } from '../log/create-logger.js';
import type { DocumentStore } from '../ports/document-store.js';
import { deriveRepositoryIndex } from './derive-repository-index.js';
import { describeIssues } from './describe-issues.js';
import { isFinal } from './job-status.js';
import { RepositoryIndex, type IndexEntry } from './repository-index.js';

export interface IndexSyncOptions {
  /** Give up (a transient error, so the delivery is retried) after this many reads of the index. */
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * Waits until the repository index shows `entry` (or a newer view of its job), writing it only when
 * nobody else has: the writer derives the whole index from one listing of the job documents, so
 * each write takes in every job that changed since the last one, and writers pace themselves by the
 * store's per-object write interval. However many jobs run, the index is written at most about once
 * an interval, and each job waits about one interval for it, not behind every other job.
 * Returns the index that shows the entry, and whether this call wrote it.
 */
export async function syncRepositoryIndex(
  store: DocumentStore,
  repository: string,
  entry: IndexEntry,
  now: () => Date,
  logger: Logger,
  { attempts = 60, sleep = delay, random = Math.random }: IndexSyncOptions = {},
): Promise<{ index: RepositoryIndex; wrote: boolean }> {
  const path = indexObjectPath(repository);
  const interval = store.sameObjectWriteIntervalMs ?? 0;
  let waitedFor: string | undefined;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const stored = await store.read(path);
    let index: RepositoryIndex | undefined;
    if (stored) {
      const parsed = RepositoryIndex.safeParse(stored.data);
      if (!parsed.success)
        throw new UnreadableDocumentError(path, stored.problem ?? describeIssues(parsed.error));
      index = parsed.data;
      if (shows(index, entry)) return { index, wrote: false };
      // Once per generation: a writer whose clock runs ahead must not hold everyone back for longer.
      const wait = Math.min(interval, Date.parse(index.updatedAt) + interval - now().getTime());
      if (wait > 0 && waitedFor !== stored.generation) {
        waitedFor = stored.generation;
        // The jitter spreads the waiters, so the first one's write usually answers the others before they list.
        await sleep(wait + random() * Math.min(250, interval / 4));
        continue;
      }
    }
    const next = await deriveRepositoryIndex(store, repository, index, now(), logger);
    const checked = RepositoryIndex.safeParse(next);
    if (!checked.success) throw new Error(`Refused to write ${path}: it ${describeIssues(checked.error)}`);
    const result = await store.write(path, checked.data, { ifGenerationMatch: stored?.generation ?? '0' });
    if (result.written) return { index: checked.data, wrote: true };
    // Another writer won: its index may already show this entry, so read again before listing again.
    await sleep(random() * 20);
  }
  throw new TransientError(
    `Gave up updating ${path}: it did not take in ${entry.path} after ${attempts} reads`,
  );
}

/** True when the index holds this entry, or a view of its job at least as new. */
export function shows(index: RepositoryIndex, entry: IndexEntry): boolean {
  const existing = index.jobs.find((candidate) => candidate.path === entry.path);
  return existing !== undefined && (sameEntry(existing, entry) || isNewer(existing, entry));
}

function sameEntry(a: IndexEntry, b: IndexEntry): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isNewer(a: IndexEntry, b: IndexEntry): boolean {
  if (a.attempt !== b.attempt) return a.attempt > b.attempt;
  // Final states come last in a job's life; between equals, the later update wins.
  if (isFinal(a.state) !== isFinal(b.state)) return isFinal(a.state);
  return a.updatedAt > b.updatedAt;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
