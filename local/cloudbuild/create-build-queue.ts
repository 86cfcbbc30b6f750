export interface BuildQueue {
  /** Runs `task` once fewer than `concurrency` tasks are running. */
  enqueue(id: string, task: () => Promise<void>): void;
  /** Drops a task that has not started; false when it already runs or is unknown. */
  remove(id: string): boolean;
  /** Resolves once every started task has finished. */
  idle(): Promise<void>;
}

/** A first-in first-out queue that runs at most `concurrency` builds at once. */
export function createBuildQueue(concurrency: number): BuildQueue {
  const waiting: { id: string; task: () => Promise<void> }[] = [];
  const running = new Set<Promise<void>>();
  const pump = (): void => {
    while (running.size < concurrency && waiting.length > 0) {
      const next = waiting.shift();
      if (!next) return;
      const run: Promise<void> = next
        .task()
        .catch(() => {})
        .finally(() => {
          running.delete(run);
          pump();
        });
      running.add(run);
    }
  };
  return {
    enqueue: (id, task) => {
      waiting.push({ id, task });
      pump();
    },
    remove: (id) => {
      const index = waiting.findIndex((entry) => entry.id === id);
      if (index < 0) return false;
      waiting.splice(index, 1);
      return true;
    },
    idle: async () => {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
