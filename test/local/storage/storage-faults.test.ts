import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultControlPath } from '../../../local/storage/start-storage-server.js';
import { startTestStorage } from './start-test-storage.js';
import type { TestStorage } from './start-test-storage.js';

describe('fault control', () => {
  let t: TestStorage;
  beforeAll(async () => {
    t = await startTestStorage();
    await t.storage.createBucket('pkgrelay-faults');
  });
  afterAll(() => t.stop());

  const control = async (method: string, body?: unknown) => {
    const res = await fetch(`${t.server.url}${FaultControlPath}`, {
      method,
      ...(body !== undefined && {
        body: JSON.stringify(body),
        headers: { 'Content-Type': 'application/json' },
      }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  const writeMany = async (count: number) => {
    const statuses: number[] = [];
    for (let i = 0; i < count; i++) {
      const res = await fetch(
        `${t.server.url}/upload/storage/v1/b/pkgrelay-faults/o?uploadType=media&name=f${i}`,
        { method: 'POST', body: `write ${i}` },
      );
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    return statuses;
  };

  it('is off by default', async () => {
    expect((await control('GET')).body).toMatchObject({ writeFailureRate: 0, injected: 0 });
    expect(new Set(await writeMany(20))).toEqual(new Set([200]));
  });

  it('fails about the given fraction of writes, the same ones for the same seed, and leaves reads alone', async () => {
    const settings = { writeFailureRate: 0.5, statuses: [503, 412], seed: 7 };
    expect((await control('POST', settings)).status).toBe(200);
    const first = await writeMany(60);
    await control('POST', settings);
    const second = await writeMany(60);
    expect(second).toEqual(first);
    const failed = first.filter((s) => s !== 200);
    expect(failed.length).toBeGreaterThan(15);
    expect(failed.length).toBeLessThan(45);
    expect(new Set(failed)).toEqual(new Set([503, 412]));
    expect((await control('GET')).body).toMatchObject({ injected: failed.length });

    const read = await fetch(`${t.server.url}/storage/v1/b/pkgrelay-faults/o?maxResults=1`);
    expect(read.status).toBe(200);
  });

  it('an injected failure writes nothing, and the client sees the status', async () => {
    await control('POST', { writeFailureRate: 1, statuses: [503] });
    const file = t.storage.bucket('pkgrelay-faults').file('never.json');
    await expect(file.save('x', { resumable: false })).rejects.toMatchObject({ code: 503 });
    await expect(file.delete()).rejects.toMatchObject({ code: 503 });
    await control('DELETE');
    expect(await file.exists()).toEqual([false]);
  });

  it('rejects bad settings with a 400', async () => {
    expect((await control('POST', { writeFailureRate: 2 })).status).toBe(400);
    expect((await control('POST', { writeFailureRate: 0.1, statuses: [500] })).status).toBe(400);
  });
});
