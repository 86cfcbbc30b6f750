import { Storage } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MutationRateControlPath } from '../../../local/storage/start-storage-server.js';
import { startTestStorage } from './start-test-storage.js';
import type { TestStorage } from './start-test-storage.js';

const BUCKET = 'pkgrelay-rate';

describe('per-object mutation rate', () => {
  let t: TestStorage;
  beforeAll(async () => {
    t = await startTestStorage(undefined, { perSecond: 1 });
    await t.storage.createBucket(BUCKET);
  });
  afterAll(() => t.stop());

  const upload = (name: string, body: string, query = '') =>
    fetch(`${t.server.url}/upload/storage/v1/b/${BUCKET}/o?uploadType=media&name=${name}${query}`, {
      method: 'POST',
      body,
    });

  it('answers a second write to one name within the second with the 429 body Cloud Storage sends', async () => {
    expect((await upload('hot.json', '1')).status).toBe(200);
    const refused = await upload('hot.json', '2');
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({
      error: {
        code: 429,
        message: expect.stringContaining(
          `The object ${BUCKET}/hot.json exceeded the rate limit for object mutation operations`,
        ),
        errors: [
          { message: expect.stringContaining('gcs429'), domain: 'global', reason: 'rateLimitExceeded' },
        ],
      },
    });
    // Other names are not held back, and the refused write changed nothing.
    expect((await upload('cold.json', '1')).status).toBe(200);
    const [content] = await t.storage.bucket(BUCKET).file('hot.json').download();
    expect(content.toString()).toBe('1');
  });

  it('spends nothing on a write whose precondition fails', async () => {
    expect((await upload('cas.json', '1', '&ifGenerationMatch=0')).status).toBe(200);
    expect((await upload('cas.json', '2', '&ifGenerationMatch=0')).status).toBe(412);
  });

  it('limits metadata updates and deletes of the same name too', async () => {
    expect((await upload('meta.json', '1')).status).toBe(200);
    const patch = await fetch(`${t.server.url}/storage/v1/b/${BUCKET}/o/meta.json`, {
      method: 'PATCH',
      body: JSON.stringify({ metadata: { a: '1' } }),
      headers: { 'content-type': 'application/json' },
    });
    expect(patch.status).toBe(429);
    await patch.arrayBuffer();
    const del = await fetch(`${t.server.url}/storage/v1/b/${BUCKET}/o/meta.json`, { method: 'DELETE' });
    expect(del.status).toBe(429);
    await del.arrayBuffer();
  });

  it('is one write a second, and the real client retries the 429 until its write goes through', async () => {
    const retrying = new Storage({
      apiEndpoint: t.server.url,
      projectId: 'local-project',
      retryOptions: { autoRetry: true, maxRetries: 5, retryDelayMultiplier: 2, totalTimeout: 30 },
    });
    const file = retrying.bucket(BUCKET).file('retried.json');
    const before = await settings();
    for (let i = 0; i < 3; i++) {
      await file.save(String(i), {
        resumable: false,
        preconditionOpts: { ifGenerationMatch: i === 0 ? 0 : Number(file.metadata.generation) },
      });
    }
    const [content] = await file.download();
    expect(content.toString()).toBe('2');
    const after = await settings();
    expect(after.admitted - before.admitted).toBe(3);
    expect(after.refused - before.refused).toBeGreaterThanOrEqual(2);
  });

  it('is read and set at its control path, and off admits everything', async () => {
    const set = await fetch(`${t.server.url}${MutationRateControlPath}`, {
      method: 'POST',
      body: JSON.stringify({ perSecond: 0.5, burst: 2 }),
    });
    expect(await set.json()).toMatchObject({ rate: { perSecond: 0.5, burst: 2 } });
    expect((await upload('burst.json', '1')).status).toBe(200);
    expect((await upload('burst.json', '2')).status).toBe(200);
    expect((await upload('burst.json', '3')).status).toBe(429);
    await fetch(`${t.server.url}${MutationRateControlPath}`, { method: 'DELETE' });
    for (let i = 0; i < 5; i++) expect((await upload('burst.json', String(i))).status).toBe(200);
  });

  async function settings(): Promise<{ admitted: number; refused: number }> {
    return (await (await fetch(`${t.server.url}${MutationRateControlPath}`)).json()) as {
      admitted: number;
      refused: number;
    };
  }
});
