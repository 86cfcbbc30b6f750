import { setTimeout as pause } from 'node:timers/promises';
import type { DocumentStore } from '../ports/document-store.js';

/**
 * Waits after a write refused for the per-object rate: one interval of the store's (a second, Cloud
 * Storage's, where it names none), plus up to a quarter more so writers refused together do not
 * write again in step. Nothing was written, so the caller reads again after it.
 */
export function waitOutRateLimit(
  store: Pick<DocumentStore, 'sameObjectWriteIntervalMs'>,
  {
    sleep = pause,
    random = Math.random,
  }: { sleep?: (ms: number) => Promise<unknown>; random?: () => number } = {},
): Promise<unknown> {
  return sleep((store.sameObjectWriteIntervalMs || 1000) * (1 + random() / 4));
}
