import type { DocumentStore } from '../../shared/ports/document-store.js';

/**
 * Wraps a store so that the first `times` writes of each path `which` picks are answered as Cloud
 * Storage answers a write within an object's interval: 429 `rate-limited`, nothing written.
 */
export function refuseWritesForRate(
  store: DocumentStore,
  which: (path: string) => boolean,
  { times = 1, intervalMs = 5 }: { times?: number; intervalMs?: number } = {},
): DocumentStore & { refused: () => number } {
  const seen = new Map<string, number>();
  let refused = 0;
  return {
    ...store,
    sameObjectWriteIntervalMs: intervalMs,
    write: async (path, data, options) => {
      const count = seen.get(path) ?? 0;
      if (!which(path) || count >= times) return store.write(path, data, options);
      seen.set(path, count + 1);
      refused++;
      return { success: false, error: 'rate-limited' };
    },
    refused: () => refused,
  };
}
