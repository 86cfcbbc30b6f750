import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStorage } from './start-test-storage.js';
import type { TestStorage } from './start-test-storage.js';

describe('restarting the server on the same data folder', () => {
  let t: TestStorage;
  beforeAll(async () => {
    t = await startTestStorage();
  });
  afterAll(() => t.stop());

  it('keeps buckets, objects, metadata and generations; new generations keep increasing', async () => {
    const [bucket] = await t.storage.createBucket('pkgrelay-durable');
    const file = bucket.file('jobs/a/b/v1.json');
    await file.save('{"state":"building"}', { resumable: false, metadata: { metadata: { job: 'a/b@v1' } } });
    await file.setMetadata({ cacheControl: 'no-store' });
    const [before] = await file.getMetadata();

    // A resumable upload left half-way must be resumable on the new server.
    const start = await fetch(
      `${t.server.url}/upload/storage/v1/b/pkgrelay-durable/o?uploadType=resumable&name=half.bin`,
      { method: 'POST' },
    );
    const session = start.headers.get('location')!;
    const chunk = await fetch(session, {
      method: 'PUT',
      headers: { 'Content-Range': 'bytes 0-3/*' },
      body: 'half',
    });
    expect(chunk.status).toBe(308);

    await t.server.close();
    await t.restart();

    const again = t.storage.bucket('pkgrelay-durable');
    expect(await again.exists()).toEqual([true]);
    const [after] = await again.file('jobs/a/b/v1.json').getMetadata();
    expect(after).toEqual({ ...before, selfLink: after.selfLink, mediaLink: after.mediaLink });
    expect((await again.file('jobs/a/b/v1.json').download())[0].toString()).toBe('{"state":"building"}');

    const resumed = session.replace(/^http:\/\/[^/]+/, t.server.url);
    const status = await fetch(resumed, { method: 'PUT', headers: { 'Content-Range': 'bytes */*' } });
    expect([status.status, status.headers.get('range')]).toEqual([308, 'bytes=0-3']);
    const done = await fetch(resumed, {
      method: 'PUT',
      headers: { 'Content-Range': 'bytes 4-7/8' },
      body: 'done',
    });
    expect(done.status).toBe(200);
    expect((await again.file('half.bin').download())[0].toString()).toBe('halfdone');

    await again.file('jobs/a/b/v1.json').save('{"state":"published"}', {
      resumable: false,
      preconditionOpts: { ifGenerationMatch: Number(before.generation) },
    });
    const [latest] = await again.file('jobs/a/b/v1.json').getMetadata();
    expect(BigInt(String(latest.generation))).toBeGreaterThan(BigInt(String(before.generation)));
  });
});
