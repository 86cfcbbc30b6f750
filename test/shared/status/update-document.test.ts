import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { TransientError, UnreadableDocumentError } from '../../../shared/errors.js';
import type { DocumentStore } from '../../../shared/ports/document-store.js';
import { updateDocument } from '../../../shared/status/update-document.js';
import { createMemoryDocumentStore } from '../../fakes/create-memory-document-store.js';

const Counter = z.object({ count: z.number().int().min(0) }).strict();
const PATH = 'counters/a.json';
const increment = (current: { count: number } | undefined) => ({
  write: { count: (current?.count ?? 0) + 1 },
});

describe('updateDocument', () => {
  it('never writes over a document that fails its schema, and says which object and why', async () => {
    const store = createMemoryDocumentStore();
    await store.write(PATH, { count: 'seven' }, { ifGenerationMatch: '0' });
    const before = store.writes();
    const update = updateDocument(store, PATH, Counter, increment);
    await expect(update).rejects.toBeInstanceOf(UnreadableDocumentError);
    await expect(update).rejects.toThrow(/counters\/a\.json is unreadable/);
    expect(store.writes()).toBe(before);
    expect(store.snapshot()[PATH]).toEqual({ count: 'seven' });
  });

  it('takes an object that is not JSON as unreadable, never as absent', async () => {
    const notJson: DocumentStore = {
      read: () =>
        Promise.resolve({ data: undefined, generation: '7', problem: 'is not JSON (Unexpected token <)' }),
      write: () => Promise.reject(new Error('must not write')),
      listDocuments: () => Promise.resolve([]),
      stat: () => Promise.resolve(undefined),
    };
    await expect(updateDocument(notJson, PATH, Counter, increment)).rejects.toThrow(
      'counters/a.json is unreadable (is not JSON (Unexpected token <))',
    );
  });

  it('refuses to write what its readers would refuse', async () => {
    const store = createMemoryDocumentStore();
    await expect(updateDocument(store, PATH, Counter, () => ({ write: { count: -1 } }))).rejects.toThrow(
      /Refused to write counters\/a\.json/,
    );
    expect(store.writes()).toBe(0);
  });

  it('reads again after a lost compare-and-swap and decides on the newer document', async () => {
    const store = createMemoryDocumentStore();
    await store.write(PATH, { count: 1 }, { ifGenerationMatch: '0' });
    let raced = false;
    // Another writer slips in between the first read and its write.
    const racing: DocumentStore = {
      ...store,
      read: async (path) => {
        const stored = await store.read(path);
        if (!raced) {
          raced = true;
          await store.write(path, { count: 10 }, { ifGenerationMatch: stored?.generation ?? '0' });
        }
        return stored;
      },
    };
    const seen: Array<number | undefined> = [];
    const result = await updateDocument(racing, PATH, Counter, (current) => {
      seen.push(current?.count);
      return increment(current);
    });
    expect(seen).toEqual([1, 10]);
    expect(result).toEqual({ value: { count: 11 }, changed: true });
    expect(store.conflicts()).toBe(1);
    expect(store.snapshot()[PATH]).toEqual({ count: 11 });
  });

  it('gives up after 25 lost races with a transient error, so Pub/Sub redelivers', async () => {
    const store = createMemoryDocumentStore();
    let writes = 0;
    const alwaysLoses: DocumentStore = {
      ...store,
      write: () => {
        writes++;
        return Promise.resolve({ success: false, error: 'conflict' });
      },
    };
    const update = updateDocument(alwaysLoses, PATH, Counter, increment);
    await expect(update).rejects.toBeInstanceOf(TransientError);
    await expect(update).rejects.toThrow('Gave up updating counters/a.json after 25 concurrent writers won');
    expect(writes).toBe(25);
  });

  it('waits out the interval since the stored write, then reads and decides again', async () => {
    const store = createMemoryDocumentStore();
    await store.write(PATH, { count: 1 }, { ifGenerationMatch: '0' });
    const paced: DocumentStore = { ...store, sameObjectWriteIntervalMs: 20 };
    const decided: number[] = [];
    const result = await updateDocument(
      paced,
      PATH,
      Counter,
      (current) => (decided.push(current?.count ?? 0), increment(current)),
      // Stamped in the future: the store's interval has surely not passed.
      { writtenAt: () => Date.now() + 60_000 },
    );
    // Decided before the wait, then again after it with what is stored then: the value written is fresh.
    expect(decided).toEqual([1, 1]);
    expect(result).toEqual({ value: { count: 2 }, changed: true });
    expect(store.writes()).toBe(2);
  });

  it('reads again after a write refused for the rate, never resending what it decided before', async () => {
    const store = createMemoryDocumentStore();
    await store.write(PATH, { count: 1 }, { ifGenerationMatch: '0' });
    let refusals = 1;
    const limited: DocumentStore = {
      ...store,
      sameObjectWriteIntervalMs: 10,
      write: async (path, data, options) => {
        if (refusals-- > 0) {
          // Another writer's change landed within the interval: Cloud Storage answers 429.
          await store.write(path, { count: 5 }, options);
          return { success: false, error: 'rate-limited' };
        }
        return store.write(path, data, options);
      },
    };
    const seen: Array<number | undefined> = [];
    const result = await updateDocument(limited, PATH, Counter, (current) => {
      seen.push(current?.count);
      return increment(current);
    });
    expect(seen).toEqual([1, 5]);
    expect(result).toEqual({ value: { count: 6 }, changed: true });
  });
});
