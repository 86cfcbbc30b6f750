import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import { TransientError, UnreadableDocumentError } from '../errors.js';
import type { DocumentStore } from '../ports/document-store.js';
import { describeIssues } from './describe-issues.js';
import { waitOutRateLimit } from './wait-out-rate-limit.js';

export type Change<T> = { write: T } | { keep: true };

/**
 * Reads a document, asks `decide` what it should become, and writes it with compare-and-swap,
 * reading again whenever another writer got there first. Returns the value written or kept.
 * A stored document that fails `schema` is never taken as absent: it throws UnreadableDocumentError
 * and nothing is written. What is written is checked against the same schema first.
 */
export async function updateDocument<T>(
  store: DocumentStore,
  path: string,
  schema: z.ZodType<T>,
  decide: (current: T | undefined) => Change<T>,
  {
    attempts = 25,
    cacheControl,
    metadataOf,
    writtenAt,
  }: {
    attempts?: number;
    cacheControl?: string;
    /** Custom metadata to write with each new value, in the same request. */
    metadataOf?: (value: T) => Record<string, string>;
    /** When the stored value was written (ms since the epoch): a write waits out the store's per-object interval since. */
    writtenAt?: (value: T) => number;
  } = {},
): Promise<{ value: T | undefined; changed: boolean }> {
  const interval = store.sameObjectWriteIntervalMs ?? 0;
  let waitedFor: string | undefined;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const stored = await store.read(path);
    let current: T | undefined;
    if (stored) {
      const parsed = schema.safeParse(stored.data);
      if (!parsed.success)
        throw new UnreadableDocumentError(path, stored.problem ?? describeIssues(parsed.error));
      current = parsed.data;
    }
    const change = decide(current);
    if ('keep' in change) return { value: current, changed: false };
    const checked = schema.safeParse(change.write);
    // A bug or a hostile build output must not put into the record what its readers would refuse.
    if (!checked.success) throw new Error(`Refused to write ${path}: it ${describeIssues(checked.error)}`);
    // Cloud Storage answers a second write of one object within its interval with 429. Wait out
    // the interval since the stored write, then read and decide again: a value decided before the
    // wait would carry a stale time, and its own next writer would pace itself too early. The tenth
    // more covers the time from a writer's stamp to its write landing.
    const wait = stored && current && writtenAt ? writtenAt(current) + interval * 1.1 - Date.now() : 0;
    if (wait > 0 && waitedFor !== stored?.generation) {
      waitedFor = stored?.generation;
      await sleep(Math.min(wait, interval) + Math.random() * (interval / 10));
      continue;
    }
    const result = await store.write(path, checked.data, {
      ifGenerationMatch: stored?.generation ?? '0',
      ...(cacheControl ? { cacheControl } : {}),
      ...(metadataOf ? { metadata: metadataOf(checked.data) } : {}),
    });
    if (result.success) return { value: checked.data, changed: true };
    // Refused for the rate: what is stored changed within the interval, so read it again after one.
    if (result.error === 'rate-limited') await waitOutRateLimit(store);
    // Jittered backoff: many writers of one index must not keep colliding in lockstep.
    else await sleep(Math.random() * 5 * Math.min(attempt + 1, 10));
  }
  throw new TransientError(`Gave up updating ${path} after ${attempts} concurrent writers won`);
}
