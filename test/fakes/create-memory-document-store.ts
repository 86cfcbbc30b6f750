import { mulberry32 } from '../../local/storage/create-fault-injector.js';
import type {
  DocumentStore,
  ListedDocument,
  StoredDocument,
  WriteResult,
} from '../../shared/ports/document-store.js';

export interface MemoryDocumentStore extends DocumentStore {
  /** The stored JSON of every object, by path. */
  snapshot(): Record<string, unknown>;
  /** Number of successful writes so far. */
  writes(): number;
  /** Number of compare-and-swap writes refused because another writer came first. */
  conflicts(): number;
  /** Runs before each read and write resolves: a test yields here to interleave concurrent callers. */
  pause: () => Promise<void>;
}

/**
 * An in-memory DocumentStore with Cloud Storage's semantics: every write makes a new generation,
 * `ifGenerationMatch: '0'` creates only if absent, any other value is a compare-and-swap. Documents
 * are stored as JSON text, so callers never share objects with the store.
 */
export function createMemoryDocumentStore(): MemoryDocumentStore {
  const objects = new Map<string, { text: string; generation: string; metadata?: Record<string, string> }>();
  let clock = 1_000;
  let count = 0;
  let conflicts = 0;
  const store: MemoryDocumentStore = {
    pause: () => Promise.resolve(),
    async read(path: string): Promise<StoredDocument | undefined> {
      await store.pause();
      const object = objects.get(path);
      return object ? { data: JSON.parse(object.text), generation: object.generation } : undefined;
    },
    async stat(path: string) {
      await store.pause();
      const object = objects.get(path);
      if (!object) return undefined;
      return {
        generation: object.generation,
        ...(object.metadata ? { metadata: { ...object.metadata } } : {}),
      };
    },
    async write(path, data, { ifGenerationMatch, metadata }): Promise<WriteResult> {
      await store.pause();
      const current = objects.get(path)?.generation ?? '0';
      if (current !== ifGenerationMatch) {
        conflicts++;
        return { success: false, error: 'conflict' };
      }
      const generation = String(++clock);
      objects.set(path, {
        text: JSON.stringify(data),
        generation,
        ...(metadata ? { metadata: { ...metadata } } : {}),
      });
      count++;
      return { success: true, data: { generation } };
    },
    async listDocuments(prefix: string): Promise<ListedDocument[]> {
      await store.pause();
      return [...objects]
        .filter(([path]) => path.startsWith(prefix))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, { generation, metadata }]) => ({
          name,
          generation,
          ...(metadata ? { metadata: { ...metadata } } : {}),
        }));
    },
    snapshot: () => Object.fromEntries([...objects].map(([path, { text }]) => [path, JSON.parse(text)])),
    writes: () => count,
    conflicts: () => conflicts,
  };
  return store;
}

/**
 * A pause that lets other promises run a number of turns drawn from a seeded generator, so concurrent
 * callers interleave the same way on every run.
 */
export function randomTurns(max = 5, seed = 1): () => Promise<void> {
  const random = mulberry32(seed);
  return async () => {
    const turns = Math.floor(random() * max);
    for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  };
}
