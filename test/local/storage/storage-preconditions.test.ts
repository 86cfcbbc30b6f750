import type { Bucket } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStorage } from './start-test-storage.js';
import type { TestStorage } from './start-test-storage.js';

const preconditionBody = {
  error: {
    code: 412,
    message: 'At least one of the pre-conditions you specified did not hold.',
    errors: [
      {
        message: 'At least one of the pre-conditions you specified did not hold.',
        domain: 'global',
        reason: 'conditionNotMet',
        locationType: 'header',
        location: 'If-Match',
      },
    ],
  },
};

describe('preconditions', () => {
  let t: TestStorage;
  let bucket: Bucket;

  beforeAll(async () => {
    t = await startTestStorage();
    [bucket] = await t.storage.createBucket('pkgrelay-cas');
  });
  afterAll(() => t.stop());

  it('ifGenerationMatch: 0 creates only if absent, for multipart and resumable uploads alike', async () => {
    const file = bucket.file('claim.json');
    await file.save('first', { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } });
    await expect(
      file.save('second', { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } }),
    ).rejects.toMatchObject({ code: 412 });
    // A resumable upload fails when its session opens; the client surfaces that as a Gaxios error with `status`.
    await expect(
      file.save('second', { resumable: true, preconditionOpts: { ifGenerationMatch: 0 } }),
    ).rejects.toMatchObject({ status: 412 });
    expect((await file.download())[0].toString()).toBe('first');
  });

  it('answers a failed precondition with the 412 body Cloud Storage sends', async () => {
    await bucket.file('body.json').save('x', { resumable: false });
    const res = await fetch(
      `${t.server.url}/upload/storage/v1/b/pkgrelay-cas/o?uploadType=media&name=body.json&ifGenerationMatch=0`,
      { method: 'POST', body: 'y' },
    );
    expect(res.status).toBe(412);
    expect(await res.json()).toEqual(preconditionBody);
  });

  it('ifGenerationMatch: <generation> is a compare-and-swap', async () => {
    const file = bucket.file('status.json');
    await file.save('v1', { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } });
    const g1 = Number(file.metadata.generation);
    await file.save('v2', { resumable: false, preconditionOpts: { ifGenerationMatch: g1 } });
    const g2 = Number(file.metadata.generation);
    expect(g2).toBeGreaterThan(g1);
    await expect(
      file.save('stale', { resumable: false, preconditionOpts: { ifGenerationMatch: g1 } }),
    ).rejects.toMatchObject({ code: 412 });
    await expect(
      file.save('v3', { resumable: false, preconditionOpts: { ifGenerationNotMatch: g2 } }),
    ).rejects.toMatchObject({ code: 412 });
    expect((await file.download())[0].toString()).toBe('v2');
  });

  it('two writers racing with the same ifGenerationMatch: exactly one wins', async () => {
    for (const resumable of [false, true]) {
      const file = bucket.file(`race-${resumable}.json`);
      await file.save('base', { resumable: false });
      const generation = Number(file.metadata.generation);
      const writers = Array.from({ length: 8 }, (_, i) =>
        bucket
          .file(file.name)
          .save(`writer ${i}`, { resumable, preconditionOpts: { ifGenerationMatch: generation } }),
      );
      const results = await Promise.allSettled(writers);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost.map((r) => (r.reason as { code: number }).code)).toEqual(Array(7).fill(412));
      const winner = results.findIndex((r) => r.status === 'fulfilled');
      expect((await file.download())[0].toString()).toBe(`writer ${winner}`);
    }
  });

  it('create-only races: of many ifGenerationMatch: 0 writers, one creates', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        bucket
          .file('jobs/once.json')
          .save(`claim ${i}`, { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('metadata updates check ifMetagenerationMatch', async () => {
    const file = bucket.file('meta.json');
    await file.save('x', { resumable: false });
    await file.setMetadata({ metadata: { a: '1' } }, { ifMetagenerationMatch: 1 });
    await expect(
      file.setMetadata({ metadata: { a: '2' } }, { ifMetagenerationMatch: 1 }),
    ).rejects.toMatchObject({
      code: 412,
    });
    await expect(
      file.setMetadata({ metadata: { a: '2' } }, { ifMetagenerationNotMatch: 2 }),
    ).rejects.toMatchObject({ code: 412 });
    const [meta] = await file.getMetadata();
    expect(meta).toMatchObject({ metageneration: '2', metadata: { a: '1' } });
  });

  it('deletes check ifGenerationMatch', async () => {
    const file = bucket.file('delete-me.json');
    await file.save('x', { resumable: false });
    const generation = Number(file.metadata.generation);
    await expect(file.delete({ ifGenerationMatch: generation + 1 })).rejects.toMatchObject({ code: 412 });
    expect(await file.exists()).toEqual([true]);
    await file.delete({ ifGenerationMatch: generation });
    expect(await file.exists()).toEqual([false]);
  });

  it('reads: a failed ...Match is 412, a failed ...NotMatch is 304 Not Modified', async () => {
    const file = bucket.file('read.json');
    await file.save('x', { resumable: false });
    const generation = Number(file.metadata.generation);
    const url = `${t.server.url}/storage/v1/b/pkgrelay-cas/o/read.json`;
    expect((await fetch(`${url}?ifGenerationMatch=${generation}`)).status).toBe(200);
    const stale = await fetch(`${url}?alt=media&ifGenerationMatch=${generation - 1}`);
    expect([stale.status, await stale.json()]).toEqual([412, preconditionBody]);
    expect((await fetch(`${url}?ifMetagenerationMatch=2`)).status).toBe(412);
    expect((await fetch(`${url}?alt=media&ifGenerationNotMatch=${generation}`)).status).toBe(304);
    await expect(file.getMetadata({ ifGenerationMatch: generation - 1 })).rejects.toMatchObject({
      code: 412,
    });
  });
});
