import type { FileHandle } from 'node:fs/promises';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { parseByteRange } from './parse-byte-range.js';
import { sendObjectBytes, storedObjectHeaders } from './send-object-bytes.js';
import type { StorageContext } from './storage-context.js';
import type { ObjectRecord } from './storage-records.js';

/** What Cloud Storage sends for a publicly readable object that has no Cache-Control of its own. */
export const PublicCacheControl = 'public, max-age=3600';

/** Method, path and headers of one request to the public URL `/<bucket>/<object>`. */
export interface PublicRead {
  method: 'GET' | 'HEAD';
  bucket: string;
  object: string;
  headers: { range?: string | undefined; 'if-none-match'?: string | undefined };
}

// First path segments the JSON, upload and download APIs and the fault switch use; no bucket name is this short or these.
const ApiSegments = new Set(['', 'b', 'storage', 'upload', 'download', '_pkgrelay']);

/** Reads `/<bucket>/<object>` as the public URL form, or undefined when the path belongs to an API. */
export function toPublicRead(
  method: string,
  pathname: string,
  headers: IncomingHttpHeaders,
): PublicRead | undefined {
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  const [rawBucket = '', ...rawObject] = pathname.split('/').slice(1);
  if (ApiSegments.has(rawBucket) || rawObject.length === 0 || rawObject.join('/') === '') return undefined;
  try {
    return {
      method,
      bucket: decodeURIComponent(rawBucket),
      object: decodeURIComponent(rawObject.join('/')),
      headers: { range: headers.range, 'if-none-match': headers['if-none-match'] },
    };
  } catch {
    return undefined;
  }
}

type Found = { record: ObjectRecord; data: FileHandle } | { missing: 'NoSuchBucket' | 'NoSuchKey' };

/**
 * `GET|HEAD https://storage.googleapis.com/<bucket>/<object>` for public objects: the bytes with the object's
 * Content-Type and Cache-Control, an MD5 ETag and If-None-Match, and XML errors as the XML API sends them.
 * The stand-in has no ACLs, so every object reads as public.
 */
export async function handlePublicObject(
  context: StorageContext,
  read: PublicRead,
  res: ServerResponse,
): Promise<void> {
  const { store } = context;
  const found: Found = await store.withObjectLock(read.bucket, read.object, async () => {
    if (!store.getBucket(read.bucket)) return { missing: 'NoSuchBucket' };
    const record = store.getObject(read.bucket, read.object);
    if (!record) return { missing: 'NoSuchKey' };
    return { record, data: await store.openObjectData(record) };
  });
  if ('missing' in found) return sendXmlError(res, found.missing, read);

  const { record, data } = found;
  const etag = `"${Buffer.from(record.md5Hash, 'base64').toString('hex')}"`;
  const headers: Record<string, string> = {
    'Content-Type': record.contentType,
    'Cache-Control': record.cacheControl ?? PublicCacheControl,
    ETag: etag,
    'Last-Modified': new Date(record.updated).toUTCString(),
    ...storedObjectHeaders(record),
  };
  const tags = read.headers['if-none-match']?.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  const range = parseByteRange(read.headers.range, record.size);
  if (
    tags?.includes(etag) ||
    tags?.includes('*') ||
    range.kind === 'unsatisfiable' ||
    read.method === 'HEAD'
  ) {
    await data.close();
    if (tags?.includes(etag) || tags?.includes('*')) {
      res.writeHead(304, { ETag: etag, 'Cache-Control': headers['Cache-Control'] ?? PublicCacheControl });
    } else if (range.kind === 'unsatisfiable') {
      return sendXmlError(res, 'InvalidRange', read, { 'Content-Range': `bytes */${record.size}` });
    } else {
      res.writeHead(200, { ...headers, 'Content-Length': String(record.size) });
    }
    res.end();
    return;
  }
  await sendObjectBytes(res, data, record.size, range, headers);
}

const XmlErrors = {
  NoSuchBucket: [404, 'The specified bucket does not exist.'],
  NoSuchKey: [404, 'The specified key does not exist.'],
  InvalidRange: [416, 'The requested range cannot be satisfied.'],
} as const;

// The XML API answers errors in XML, not the JSON API's envelope.
function sendXmlError(
  res: ServerResponse,
  code: keyof typeof XmlErrors,
  read: PublicRead,
  headers: Record<string, string> = {},
): void {
  const [status, message] = XmlErrors[code];
  const body =
    read.method === 'HEAD'
      ? ''
      : `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${message}</Message>` +
        `<Details>${escapeXml(`${read.bucket}/${read.object}`)}</Details></Error>`;
  res.writeHead(status, {
    'Content-Type': 'application/xml; charset=UTF-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'private, max-age=0',
    ...headers,
  });
  res.end(body);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
