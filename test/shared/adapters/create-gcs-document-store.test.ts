import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Storage } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStorageServer } from '../../../local/storage/start-storage-server.js';
import { createGcsDocumentStore } from '../../../shared/adapters/create-gcs-document-store.js';
import type { DocumentStore } from '../../../shared/ports/document-store.js';

describe('the status store on Cloud Storage, through @google-cloud/storage', () => {
  let server: Awaited<ReturnType<typeof startStorageServer>>;
  let store: DocumentStore;
  let storage: Storage;

  beforeAll(async () => {
    server = await startStorageServer({ dataDir: await mkdtemp(join(tmpdir(), 'pkgrelay-gcs-store-')) });
    storage = new Storage({ apiEndpoint: server.url, projectId: 'p' });
    await storage.createBucket('status');
    store = createGcsDocumentStore({ bucket: 'status', projectId: 'p', apiEndpoint: server.url });
  });
  afterAll(async () => server?.close());

  it('reads nothing where no object is', async () => {
    expect(await store.read('jobs/none.json')).toBeUndefined();
  });

  it('reads a document with the generation a compare-and-swap needs, and refuses a stale one', async () => {
    const created = await store.write('jobs/a.json', { n: 1 }, { ifGenerationMatch: '0' });
    expect(created.success).toBe(true);
    const first = await store.read('jobs/a.json');
    const [metadata] = await storage.bucket('status').file('jobs/a.json').getMetadata();
    expect(first).toEqual({ data: { n: 1 }, generation: String(metadata.generation) });

    const swapped = await store.write('jobs/a.json', { n: 2 }, { ifGenerationMatch: first!.generation });
    expect(swapped.success).toBe(true);
    const stale = await store.write('jobs/a.json', { n: 3 }, { ifGenerationMatch: first!.generation });
    expect(stale).toEqual({ success: false, error: 'conflict' });
    expect((await store.read('jobs/a.json'))?.data).toEqual({ n: 2 });
  });

  it('reads an object that is not JSON as present, with its generation and the problem', async () => {
    await storage.bucket('status').file('jobs/broken.json').save('{"state": "publ', { resumable: false });
    const [metadata] = await storage.bucket('status').file('jobs/broken.json').getMetadata();
    const stored = await store.read('jobs/broken.json');
    expect(stored).toMatchObject({ data: undefined, generation: String(metadata.generation) });
    expect(stored?.problem).toMatch(/^not JSON: /);
  });

  it('lists documents under a prefix', async () => {
    await store.write('repos/o/n/index.json', {}, { ifGenerationMatch: '0' });
    expect((await store.listDocuments('repos/')).map((listed) => listed.name)).toEqual([
      'repos/o/n/index.json',
    ]);
  });

  it('reports a 429 as rate-limited at once, and stats an object without its content', async () => {
    const limited = await startStorageServer({
      dataDir: await mkdtemp(join(tmpdir(), 'pkgrelay-gcs-store-')),
      objectMutationRate: { perSecond: 0.01 },
    });
    try {
      await new Storage({ apiEndpoint: limited.url, projectId: 'p' }).createBucket('status');
      const hot = createGcsDocumentStore({ bucket: 'status', projectId: 'p', apiEndpoint: limited.url });
      const first = await hot.write(
        'repos/o/n/index.json',
        { n: 1 },
        { ifGenerationMatch: '0', metadata: { k: 'v' } },
      );
      if (!first.success) throw new Error('the first write was refused');
      // Not resent by the client: its body was decided before the object changed.
      const second = await hot.write(
        'repos/o/n/index.json',
        { n: 2 },
        { ifGenerationMatch: first.data.generation },
      );
      expect(second).toEqual({ success: false, error: 'rate-limited' });
      expect(await hot.stat('repos/o/n/index.json')).toEqual({
        generation: first.data.generation,
        metadata: { k: 'v' },
      });
      expect(await hot.stat('repos/o/n/none.json')).toBeUndefined();
    } finally {
      await limited.close();
    }
  });
});
