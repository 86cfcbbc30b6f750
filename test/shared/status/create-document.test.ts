import { describe, expect, it } from 'vitest';
import { TransientError } from '../../../shared/errors.js';
import { createDocument } from '../../../shared/status/create-document.js';
import { createMemoryDocumentStore } from '../../fakes/create-memory-document-store.js';
import { refuseWritesForRate } from '../../fakes/refuse-writes-for-rate.js';

const PATH = 'records/a.json';

describe('createDocument', () => {
  it('creates once, and a second create finds the first one kept', async () => {
    const store = createMemoryDocumentStore();
    expect(await createDocument(store, PATH, { n: 1 })).toBe('created');
    expect(await createDocument(store, PATH, { n: 2 })).toBe('exists');
    expect(store.snapshot()[PATH]).toEqual({ n: 1 });
  });

  it('takes a write refused for the rate as nothing written: it writes again after the interval', async () => {
    const memory = createMemoryDocumentStore();
    const store = refuseWritesForRate(memory, (path) => path === PATH, { times: 2 });
    expect(await createDocument(store, PATH, { n: 1 })).toBe('created');
    expect(store.refused()).toBe(2);
    expect(memory.snapshot()[PATH]).toEqual({ n: 1 });
  });

  it('throws a transient error when the rate keeps refusing it, so the message is redelivered', async () => {
    const memory = createMemoryDocumentStore();
    const store = refuseWritesForRate(memory, () => true, { times: Infinity });
    const created = createDocument(store, PATH, { n: 1 }, { attempts: 3 });
    await expect(created).rejects.toBeInstanceOf(TransientError);
    await expect(created).rejects.toThrow(/Unable to create records\/a\.json.*3 times/);
    expect(store.refused()).toBe(3);
    expect(memory.snapshot()[PATH]).toBeUndefined();
  });
});
