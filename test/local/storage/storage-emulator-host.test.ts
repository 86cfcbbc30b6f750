import { Storage } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStorage } from './start-test-storage.js';
import type { TestStorage } from './start-test-storage.js';

describe('STORAGE_EMULATOR_HOST', () => {
  let t: TestStorage;
  const saved = process.env['STORAGE_EMULATOR_HOST'];
  beforeAll(async () => {
    t = await startTestStorage();
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env['STORAGE_EMULATOR_HOST'];
    else process.env['STORAGE_EMULATOR_HOST'] = saved;
    await t.stop();
  });

  it('works with no credentials: the client uses the variable verbatim as its JSON API base, at the root', async () => {
    process.env['STORAGE_EMULATOR_HOST'] = t.server.url;
    // The variable is read once, in the constructor; no apiEndpoint, and no project beyond the bucket call.
    const storage = new Storage({ projectId: 'local-project' });
    delete process.env['STORAGE_EMULATOR_HOST'];
    const seen = t.requests.length;
    const [bucket] = await storage.createBucket('pkgrelay-env');
    await bucket.file('a/b.txt').save('via env', { resumable: false });
    await bucket
      .file('big.bin')
      .save(Buffer.alloc(300 * 1024, 1), { resumable: true, chunkSize: 256 * 1024 });
    expect((await bucket.file('a/b.txt').download())[0].toString()).toBe('via env');
    const [files] = await bucket.getFiles();
    expect(files.map((f) => f.name)).toEqual(['a/b.txt', 'big.bin']);
    const paths = t.requests.slice(seen).map((r) => `${r.method} ${r.path.split('?')[0]}`);
    expect(paths).toContain('POST /b');
    expect(paths).toContain('POST /upload/storage/v1/b/pkgrelay-env/o');
    expect(paths).toContain('GET /b/pkgrelay-env/o/a%2Fb.txt');
  });
});
