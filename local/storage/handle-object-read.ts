import type { FileHandle } from 'node:fs/promises';
import { checkReadPreconditions, parsePreconditions } from './check-preconditions.js';
import { bucketNotFound, invalidRequest, objectNotFound } from './create-storage-error.js';
import type { StorageError } from './create-storage-error.js';
import { parseByteRange } from './parse-byte-range.js';
import { sendObjectBytes, storedObjectHeaders } from './send-object-bytes.js';
import { sendEmpty, sendError, sendJson } from './send-response.js';
import type { StorageCall, StorageContext } from './storage-context.js';
import type { ObjectRecord } from './storage-records.js';
import { objectEtag, toObjectResource } from './to-resource.js';

type Found =
  { record: ObjectRecord; data?: FileHandle } | { error: StorageError } | { notModified: ObjectRecord };

/** `GET .../b/{bucket}/o/{object}`: the object resource, or with `alt=media` its bytes (Range requests too). */
export async function handleObjectRead(
  context: StorageContext,
  call: StorageCall,
  object: string,
): Promise<void> {
  const { store } = context;
  const { res, query, bucket } = call;
  if (!store.getBucket(bucket)) return sendError(res, bucketNotFound());
  const preconditions = parsePreconditions(query);
  if (!preconditions.success) return sendError(res, preconditions.error);
  const media = query.get('alt') === 'media';
  const generation = query.get('generation');
  if (generation !== null && !/^\d+$/.test(generation)) {
    return sendError(res, invalidRequest(`Invalid argument for generation: ${generation}`));
  }

  // The lock only spans finding the record and opening its file; the bytes stream after it is released.
  const found: Found = await store.withObjectLock(bucket, object, async () => {
    const record = store.getObject(bucket, object);
    if (!record || (generation !== null && Number(generation) !== record.generation)) {
      return { error: objectNotFound(bucket, object) };
    }
    const verdict = checkReadPreconditions(record, preconditions.data);
    if (verdict === 'notModified') return { notModified: record };
    if (verdict !== 'held') return { error: verdict };
    return media ? { record, data: await store.openObjectData(record) } : { record };
  });
  if ('error' in found) return sendError(res, found.error);
  if ('notModified' in found) return sendEmpty(res, 304, { ETag: objectEtag(found.notModified) });
  if (!found.data) return sendJson(res, 200, toObjectResource(found.record, call.origin));
  await sendObjectMedia(call, found.record, found.data);
}

async function sendObjectMedia(call: StorageCall, record: ObjectRecord, data: FileHandle): Promise<void> {
  const { req, res } = call;
  const headers: Record<string, string> = {
    'Content-Type': record.contentType,
    ETag: objectEtag(record),
    'Last-Modified': new Date(record.updated).toUTCString(),
    'Cache-Control': record.cacheControl ?? 'no-cache, no-store, max-age=0, must-revalidate',
    ...storedObjectHeaders(record),
  };
  const range = parseByteRange(req.headers.range, record.size);
  if (range.kind === 'unsatisfiable') {
    await data.close();
    return sendJson(
      res,
      416,
      {
        error: {
          code: 416,
          message: 'The requested range cannot be satisfied.',
          errors: [
            {
              message: 'The requested range cannot be satisfied.',
              domain: 'global',
              reason: 'requestedRangeNotSatisfiable',
            },
          ],
        },
      },
      { 'Content-Range': `bytes */${record.size}` },
    );
  }
  await sendObjectBytes(res, data, record.size, range, headers);
}
