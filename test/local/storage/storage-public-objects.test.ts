import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadStatusPage } from '../../../shared/status-page/upload-status-page.js';
import { StatusPageFiles } from '../../../shared/status-page/status-page-files.js';
import { startTestStorage, type TestStorage } from './start-test-storage.js';

describe('public object URLs, as https://storage.googleapis.com/<bucket>/<object> serves them', () => {
  let test: TestStorage;
  let base: string;

  beforeAll(async () => {
    test = await startTestStorage();
    base = test.server.url;
    const [bucket] = await test.storage.createBucket('status-bucket');
    await bucket.file('repos/o/n/index.json').save('{"jobs":[]}', {
      resumable: false,
      contentType: 'application/json',
      metadata: { cacheControl: 'no-cache, max-age=0' },
    });
    await bucket.file('jobs/o/n/release%2F1.0.json').save('{"tag":"release/1.0"}', { resumable: false });
  });
  afterAll(async () => test?.stop());

  it('serves bytes with the stored Content-Type and Cache-Control, an MD5 ETag, and 304 on If-None-Match', async () => {
    const response = await fetch(`${base}/status-bucket/repos/o/n/index.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('cache-control')).toBe('no-cache, max-age=0');
    expect(await response.text()).toBe('{"jobs":[]}');
    const etag = response.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const again = await fetch(`${base}/status-bucket/repos/o/n/index.json`, {
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    const head = await fetch(`${base}/status-bucket/repos/o/n/index.json`, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe('11');
  });

  it('gives objects without a Cache-Control the public default, and keeps an encoded "/" inside the name', async () => {
    const response = await fetch(`${base}/status-bucket/jobs/o/n/release%252F1.0.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(await response.json()).toEqual({ tag: 'release/1.0' });
  });

  it('answers a missing object or bucket with the XML API error', async () => {
    const missing = await fetch(`${base}/status-bucket/nothing.json`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(await missing.text()).toContain('<Code>NoSuchKey</Code>');
    const noBucket = await fetch(`${base}/no-such-bucket/index.html`);
    expect(await noBucket.text()).toContain('<Code>NoSuchBucket</Code>');
  });

  it('leaves the JSON API where it was', async () => {
    const list = await fetch(`${base}/storage/v1/b/status-bucket/o?prefix=repos/`);
    expect(
      ((await list.json()) as { items: Array<{ name: string }> }).items.map((item) => item.name),
    ).toEqual(['repos/o/n/index.json']);
    const [files] = await test.storage.bucket('status-bucket').getFiles({ prefix: 'jobs/' });
    expect(files.map((file) => file.name)).toEqual(['jobs/o/n/release%2F1.0.json']);
  });

  it('uploads the status page with its bucket written in and serves it at the public URL', async () => {
    const source = await mkdtemp(join(tmpdir(), 'pkgrelay-page-'));
    await mkdir(source, { recursive: true });
    for (const { source: file } of StatusPageFiles) {
      await writeFile(
        join(source, file),
        file === 'index.html' ? '<meta name="b" content="{{bucket}}">' : file,
      );
    }
    const { url, objects } = await uploadStatusPage(test.storage.bucket('status-bucket'), source, {
      publicBase: base,
    });
    expect(url).toBe(`${base}/status-bucket/index.html`);
    expect(objects).toContain('status/status-page.js');
    const page = await fetch(url);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('public, max-age=60');
    expect(await page.text()).toBe('<meta name="b" content="status-bucket">');
    const css = await fetch(`${base}/status-bucket/status/status-page.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });
});
