import { createHash } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CRC32C } from '@google-cloud/storage';
import type { Bucket } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStorage } from './start-test-storage.js';
import type { TestStorage } from './start-test-storage.js';

const md5 = (data: Buffer) => createHash('md5').update(data).digest('base64');
const crc32c = (data: Buffer) => {
  const crc = new CRC32C();
  crc.update(data);
  return crc.toString();
};

describe('storage server through @google-cloud/storage', () => {
  let t: TestStorage;
  let bucket: Bucket;

  beforeAll(async () => {
    t = await startTestStorage();
    [bucket] = await t.storage.createBucket('pkgrelay-objects');
  });
  afterAll(() => t.stop());

  it('creates and gets buckets, and answers a missing bucket with the 404 body Cloud Storage sends', async () => {
    const [metadata] = await bucket.getMetadata();
    expect(metadata).toMatchObject({
      kind: 'storage#bucket',
      name: 'pkgrelay-objects',
      id: 'pkgrelay-objects',
    });
    await expect(t.storage.createBucket('pkgrelay-objects')).rejects.toMatchObject({ code: 409 });
    expect(await t.storage.bucket('no-such-bucket').exists()).toEqual([false]);

    const res = await fetch(`${t.server.url}/storage/v1/b/no-such-bucket/o/x`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: {
        code: 404,
        message: 'The specified bucket does not exist.',
        errors: [{ message: 'The specified bucket does not exist.', domain: 'global', reason: 'notFound' }],
      },
    });
  });

  it('multipart upload (resumable: false) returns the resource with correct hashes, sizes and generations', async () => {
    const data = Buffer.from('{"state":"queued"}');
    const file = bucket.file('jobs/owner/name/v1.0.0.json');
    const before = Date.now() * 1000;
    await file.save(data, {
      resumable: false,
      contentType: 'application/json',
      metadata: { cacheControl: 'no-store', metadata: { schema: '1' } },
    });
    expect(t.requests.at(-1)).toMatchObject({ method: 'POST', status: 200 });
    expect(t.requests.at(-1)?.path).toContain('uploadType=multipart');
    const meta = file.metadata;
    expect(meta).toMatchObject({
      kind: 'storage#object',
      name: 'jobs/owner/name/v1.0.0.json',
      bucket: 'pkgrelay-objects',
      contentType: 'application/json',
      cacheControl: 'no-store',
      metadata: { schema: '1' },
      size: String(data.length),
      md5Hash: md5(data),
      crc32c: crc32c(data),
      metageneration: '1',
      id: `pkgrelay-objects/jobs/owner/name/v1.0.0.json/${meta.generation}`,
    });
    expect(typeof meta.generation).toBe('string');
    // Generations are microsecond timestamps, as in Cloud Storage.
    expect(Number(meta.generation)).toBeGreaterThanOrEqual(before);
    expect(meta.selfLink).toBe(
      `${t.server.url}/storage/v1/b/pkgrelay-objects/o/jobs%2Fowner%2Fname%2Fv1.0.0.json`,
    );
    expect(new Date(String(meta.timeCreated)).toISOString()).toBe(meta.timeCreated);
    expect(meta.updated).toBe(meta.timeCreated);

    // The mediaLink serves the bytes too.
    const media = await fetch(String(meta.mediaLink));
    expect(Buffer.from(await media.arrayBuffer())).toEqual(data);

    await file.save(Buffer.from('second'), { resumable: false });
    expect(BigInt(String(file.metadata.generation))).toBeGreaterThan(BigInt(String(meta.generation)));
  });

  it('resumable upload of more than one chunk goes through 308 answers with Range, then completes', async () => {
    const data = Buffer.alloc(700 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31) % 251;
    const file = bucket.file('dist/big.whl');
    const seen = t.requests.length;
    await file.save(data, { resumable: true, chunkSize: 256 * 1024, contentType: 'application/zip' });
    const calls = t.requests.slice(seen);
    expect(calls[0]).toMatchObject({ method: 'POST', status: 200 });
    expect(calls[0]?.path).toContain('uploadType=resumable');
    expect(calls.filter((c) => c.method === 'PUT').map((c) => c.status)).toEqual([308, 308, 200]);
    // The resumable path hands `size` back as a number: the client converts it.
    expect(file.metadata).toMatchObject({ size: data.length, md5Hash: md5(data), crc32c: crc32c(data) });
    const [downloaded] = await file.download();
    expect(downloaded.equals(data)).toBe(true);
    const [meta] = await file.getMetadata();
    expect(meta.contentType).toBe('application/zip');
  });

  it('resumable upload through createWriteStream in one streamed request', async () => {
    const file = bucket.file('dist/streamed.tar.gz');
    const data = Buffer.from('streamed content '.repeat(1000));
    await new Promise<void>((resolve, reject) => {
      const stream = file.createWriteStream({ resumable: true, metadata: { metadata: { via: 'stream' } } });
      stream.on('error', reject).on('finish', resolve);
      stream.end(data);
    });
    const [meta] = await file.getMetadata();
    expect(meta).toMatchObject({
      size: String(data.length),
      crc32c: crc32c(data),
      metadata: { via: 'stream' },
    });
    expect((await file.download())[0].equals(data)).toBe(true);
  });

  it('resumable session by hand: status query, chunk, status, final chunk', async () => {
    const base = `${t.server.url}/upload/storage/v1/b/pkgrelay-objects/o`;
    const start = await fetch(`${base}?uploadType=resumable&name=manual.bin`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Upload-Content-Type': 'text/plain' },
      body: JSON.stringify({ metadata: { by: 'hand' } }),
    });
    expect(start.status).toBe(200);
    const session = start.headers.get('location');
    expect(session).toMatch(/upload_id=/);
    const put = (body: string, range: string) =>
      fetch(session!, { method: 'PUT', headers: { 'Content-Range': range }, body });
    const empty = await put('', 'bytes */*');
    expect([empty.status, empty.headers.get('range')]).toEqual([308, null]);
    const first = await put('hello ', 'bytes 0-5/*');
    expect([first.status, first.headers.get('range')]).toEqual([308, 'bytes=0-5']);
    const status = await put('', 'bytes */11');
    expect([status.status, status.headers.get('range')]).toEqual([308, 'bytes=0-5']);
    // The client may resend bytes the server already holds; they are not stored twice.
    const last = await put('o world', 'bytes 4-10/11');
    expect(last.status).toBe(200);
    expect(await last.json()).toMatchObject({ name: 'manual.bin', size: '11', contentType: 'text/plain' });
    expect((await bucket.file('manual.bin').download())[0].toString()).toBe('hello world');
    const again = await put('', 'bytes */11');
    expect(again.status).toBe(200);
  });

  it('media upload via fetch stores the body with its Content-Type', async () => {
    const res = await fetch(
      `${t.server.url}/upload/storage/v1/b/pkgrelay-objects/o?uploadType=media&name=raw%2Fmedia.txt`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'text/x-log' },
        body: 'raw media body',
      },
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'raw/media.txt', contentType: 'text/x-log', size: '14' });
    expect((await bucket.file('raw/media.txt').download())[0].toString()).toBe('raw media body');
  });

  it('downloads send x-goog-hash, and the client rejects bytes that do not match it', async () => {
    const file = bucket.file('validated.txt');
    await file.save('original bytes', { resumable: false });
    const res = await fetch(`${t.server.url}/storage/v1/b/pkgrelay-objects/o/validated.txt?alt=media`);
    expect(res.headers.get('x-goog-hash')).toBe(
      `crc32c=${crc32c(Buffer.from('original bytes'))},md5=${md5(Buffer.from('original bytes'))}`,
    );
    expect(res.headers.get('x-goog-stored-content-encoding')).toBe('identity');
    await res.arrayBuffer();

    // Corrupt the stored bytes behind the server's back (same length): validation must catch it.
    const dataDir = join(t.dataDir, 'buckets', 'pkgrelay-objects', 'data');
    const name = createHash('sha256').update('validated.txt').digest('hex');
    const stored = (await readdir(dataDir)).find((f) => f.startsWith(name));
    await writeFile(join(dataDir, stored!), 'tampered bytes');
    await expect(file.download()).rejects.toMatchObject({ code: 'CONTENT_DOWNLOAD_MISMATCH' });
  });

  it('range downloads answer 206 with Content-Range', async () => {
    const file = bucket.file('range.txt');
    await file.save('0123456789', { resumable: false });
    expect((await file.download({ start: 2, end: 5 }))[0].toString()).toBe('2345');
    const res = await fetch(`${t.server.url}/storage/v1/b/pkgrelay-objects/o/range.txt?alt=media`, {
      headers: { Range: 'bytes=-3' },
    });
    expect([res.status, res.headers.get('content-range'), await res.text()]).toEqual([
      206,
      'bytes 7-9/10',
      '789',
    ]);
    const outside = await fetch(`${t.server.url}/storage/v1/b/pkgrelay-objects/o/range.txt?alt=media`, {
      headers: { Range: 'bytes=10-' },
    });
    expect(outside.status).toBe(416);
  });

  it('patches metadata: merges custom keys, removes null ones, bumps metageneration only', async () => {
    const file = bucket.file('patched.json');
    await file.save('{}', { resumable: false, metadata: { metadata: { keep: 'a', drop: 'b' } } });
    const generation = file.metadata.generation;
    const [patched] = await file.setMetadata({
      contentType: 'application/json',
      cacheControl: 'public, max-age=60',
      metadata: { drop: null, added: 'c' },
    });
    expect(patched).toMatchObject({
      generation,
      metageneration: '2',
      contentType: 'application/json',
      cacheControl: 'public, max-age=60',
      metadata: { keep: 'a', added: 'c' },
    });
    expect(patched.metadata).not.toHaveProperty('drop');
    const [again] = await file.getMetadata();
    expect(again).toMatchObject({ metageneration: '2', cacheControl: 'public, max-age=60' });
    const res = await fetch(`${t.server.url}/storage/v1/b/pkgrelay-objects/o/patched.json?alt=media`);
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  it('deletes objects; a missing object is 404 with the body Cloud Storage sends', async () => {
    const file = bucket.file('to-delete.txt');
    await file.save('x', { resumable: false });
    await file.delete();
    expect(await file.exists()).toEqual([false]);
    await expect(file.delete()).rejects.toMatchObject({ code: 404 });
    const res = await fetch(`${t.server.url}/storage/v1/b/pkgrelay-objects/o/to-delete.txt`);
    expect(await res.json()).toEqual({
      error: {
        code: 404,
        message: 'No such object: pkgrelay-objects/to-delete.txt',
        errors: [
          { message: 'No such object: pkgrelay-objects/to-delete.txt', domain: 'global', reason: 'notFound' },
        ],
      },
    });
  });
});
