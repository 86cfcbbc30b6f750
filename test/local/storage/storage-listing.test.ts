import type { Bucket, GetFilesOptions, GetFilesResponse } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStorage } from './start-test-storage.js';
import type { TestStorage } from './start-test-storage.js';

const names = [
  'index/owner/name.json',
  'jobs/owner/name/v1.0.0.json',
  'jobs/owner/name/v1.1.0.json',
  'jobs/owner/other/v2.0.0.json',
  'jobs/top.json',
  'readme.txt',
];

describe('listing objects', () => {
  let t: TestStorage;
  let bucket: Bucket;

  beforeAll(async () => {
    t = await startTestStorage();
    [bucket] = await t.storage.createBucket('pkgrelay-list');
    // Written in reverse to show the listing is sorted by name, not by write order.
    for (const name of [...names].reverse()) await bucket.file(name).save(name, { resumable: false });
  });
  afterAll(() => t.stop());

  it('lists everything, sorted by name', async () => {
    const [files] = await bucket.getFiles();
    expect(files.map((f) => f.name)).toEqual(names);
  });

  it('filters by prefix and folds by delimiter into prefixes', async () => {
    const [files, , response] = await bucket.getFiles({
      prefix: 'jobs/',
      delimiter: '/',
      autoPaginate: false,
    });
    expect(files.map((f) => f.name)).toEqual(['jobs/top.json']);
    expect((response as { prefixes?: string[] }).prefixes).toEqual(['jobs/owner/']);
    const [, , top] = await bucket.getFiles({ delimiter: '/', autoPaginate: false });
    expect(top).toMatchObject({ prefixes: ['index/', 'jobs/'], items: [{ name: 'readme.txt' }] });
  });

  it('pages with maxResults and pageToken, counting prefixes as entries', async () => {
    const [first, next, page1] = await bucket.getFiles({ maxResults: 4, autoPaginate: false });
    expect(first.map((f) => f.name)).toEqual(names.slice(0, 4));
    expect(next).toMatchObject({ pageToken: expect.any(String) });
    expect(page1).toHaveProperty('nextPageToken');
    const [second, after] = await bucket.getFiles({ ...next!, autoPaginate: false });
    expect(second.map((f) => f.name)).toEqual(names.slice(4));
    expect(after).toBeNull();

    const entries: string[] = [];
    let query: GetFilesOptions | null = { delimiter: '/', prefix: 'jobs/owner/', maxResults: 1 };
    while (query) {
      const [, nextQuery, response]: GetFilesResponse = await bucket.getFiles({
        ...query,
        autoPaginate: false,
      });
      const page = response as { prefixes?: string[]; items?: { name: string }[] };
      entries.push(...(page.prefixes ?? []), ...(page.items ?? []).map((i) => i.name));
      query = nextQuery;
    }
    expect(entries).toEqual(['jobs/owner/name/', 'jobs/owner/other/']);
  });

  it('starts at startOffset and stops before endOffset', async () => {
    const [files] = await bucket.getFiles({ startOffset: 'jobs/owner/name/v1.1', endOffset: 'readme' });
    expect(files.map((f) => f.name)).toEqual(names.slice(2, 5));
  });

  it('answers an empty listing without items', async () => {
    const res = await fetch(`${t.server.url}/storage/v1/b/pkgrelay-list/o?prefix=nothing/`);
    expect(await res.json()).toEqual({ kind: 'storage#objects' });
  });
});
