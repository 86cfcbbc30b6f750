import { Readable } from 'node:stream';
import { parsePreconditions } from './check-preconditions.js';
import { commitStagedUpload } from './commit-staged-upload.js';
import { bucketNotFound, invalidRequest } from './create-storage-error.js';
import { parseGoogHash } from './hash-content.js';
import { parseMultipartRelated, readBoundary } from './parse-multipart-related.js';
import { applyObjectFields, parseObjectFields } from './parse-object-fields.js';
import { drainRequest, readRequestBody } from './read-request-body.js';
import { sendError, sendJson } from './send-response.js';
import { sendWriteFault } from './send-write-fault.js';
import type { StorageCall, StorageContext } from './storage-context.js';
import type { ObjectWriteFields } from './storage-records.js';
import { toObjectResource } from './to-resource.js';
import { writeStreamToFile } from './write-stream-to-file.js';

/** `POST /upload/storage/v1/b/{bucket}/o?uploadType=media|multipart`: the whole object in one request. */
export async function handleSimpleUpload(context: StorageContext, call: StorageCall): Promise<void> {
  const { req, res, query, bucket } = call;
  if (!context.store.getBucket(bucket)) {
    drainRequest(req);
    return sendError(res, bucketNotFound());
  }
  const preconditions = parsePreconditions(query);
  if (!preconditions.success) {
    drainRequest(req);
    return sendError(res, preconditions.error);
  }
  if (sendWriteFault(context, call)) return;

  let name = query.get('name') ?? undefined;
  let fields: ObjectWriteFields = {};
  let content: Readable = req;
  let expected: { crc32c?: string | undefined; md5?: string | undefined } = parseGoogHash(
    req.headers['x-goog-hash'],
  );
  if (query.get('uploadType') === 'multipart') {
    const boundary = readBoundary(req.headers['content-type']);
    if (!boundary) {
      drainRequest(req);
      return sendError(
        res,
        invalidRequest('A multipart upload needs Content-Type multipart/related with a boundary.'),
      );
    }
    const [metadataPart, mediaPart] = parseMultipartRelated(await readRequestBody(req), boundary);
    if (!metadataPart || !mediaPart) {
      return sendError(res, invalidRequest('A multipart upload needs a metadata part and a media part.'));
    }
    let metadata: Record<string, unknown>;
    try {
      metadata = JSON.parse(metadataPart.body.toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      return sendError(res, invalidRequest('The metadata part of a multipart upload must be JSON.'));
    }
    const change = parseObjectFields(metadata);
    if (!change.success) return sendError(res, change.error);
    fields = applyObjectFields({}, change.data);
    fields.contentType ??= mediaPart.headers['content-type'] ?? 'application/octet-stream';
    if (typeof metadata['name'] === 'string') name ??= metadata['name'];
    expected = {
      crc32c: typeof metadata['crc32c'] === 'string' ? metadata['crc32c'] : expected.crc32c,
      md5: typeof metadata['md5Hash'] === 'string' ? metadata['md5Hash'] : expected.md5,
    };
    content = Readable.from([mediaPart.body]);
  } else {
    fields.contentType = req.headers['content-type'] ?? 'application/octet-stream';
  }
  if (!name) {
    drainRequest(req);
    return sendError(res, invalidRequest('Required parameter: name', 'required'));
  }

  const path = context.store.stagingPath();
  const hashes = await writeStreamToFile(content, path);
  const outcome = await commitStagedUpload(context, {
    bucket,
    name,
    staged: { path, hashes },
    fields,
    preconditions: preconditions.data,
    expected,
  });
  if (!outcome.success) return sendError(res, outcome.error);
  sendJson(res, 200, toObjectResource(outcome.record, call.origin));
}
