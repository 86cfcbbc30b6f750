import type { FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { ByteRange } from './parse-byte-range.js';
import type { ObjectRecord } from './storage-records.js';

/** What both download forms (the JSON API's `alt=media` and the public URL) say of an object's stored bytes. */
export function storedObjectHeaders(record: ObjectRecord): Record<string, string> {
  return {
    'Accept-Ranges': 'bytes',
    'X-Goog-Generation': String(record.generation),
    'X-Goog-Metageneration': String(record.metageneration),
    // The client checks a full download against these digests, and only when the stored encoding is stated.
    'X-Goog-Hash': `crc32c=${record.crc32c},md5=${record.md5Hash}`,
    'X-Goog-Stored-Content-Encoding': record.contentEncoding ?? 'identity',
    'X-Goog-Stored-Content-Length': String(record.size),
    'X-Goog-Storage-Class': record.storageClass,
    ...(record.contentEncoding !== undefined && { 'Content-Encoding': record.contentEncoding }),
    ...(record.contentDisposition !== undefined && { 'Content-Disposition': record.contentDisposition }),
    ...(record.contentLanguage !== undefined && { 'Content-Language': record.contentLanguage }),
  };
}

/** Streams an object's bytes, whole (200) or the part asked for (206), then closes its file. */
export async function sendObjectBytes(
  res: ServerResponse,
  data: FileHandle,
  size: number,
  range: Exclude<ByteRange, { kind: 'unsatisfiable' }>,
  headers: Record<string, string>,
): Promise<void> {
  const [start, end] = range.kind === 'part' ? [range.start, range.end] : [0, size - 1];
  res.writeHead(range.kind === 'part' ? 206 : 200, {
    ...headers,
    'Content-Length': String(Math.max(end - start + 1, 0)),
    ...(range.kind === 'part' && { 'Content-Range': `bytes ${start}-${end}/${size}` }),
  });
  if (size === 0) {
    await data.close();
    res.end();
    return;
  }
  await pipeline(data.createReadStream({ start, end }), res);
}
