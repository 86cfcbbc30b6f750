export interface KeyLock {
  /** Runs `task` once every earlier task for `key` has settled, so tasks for one key never overlap. */
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
}

/** A mutex per key: the compare-and-swap of an object write is atomic only while nothing else writes that object. */
export function createKeyLock(): KeyLock {
  const tails = new Map<string, Promise<unknown>>();
  return {
    async run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const current = previous.then(task, task);
      const settled = current.catch(() => undefined);
      tails.set(key, settled);
      try {
        return await current;
      } finally {
        // Drop the entry once no later task queued behind this one, so the map stays small.
        if (tails.get(key) === settled) tails.delete(key);
      }
    },
  };
}
