import { parsePreconditions, checkWritePreconditions } from './check-preconditions.js';
import { commitStagedUpload } from './commit-staged-upload.js';
import { bucketNotFound, invalidRequest } from './create-storage-error.js';
import type { StorageError } from './create-storage-error.js';
import { hashFile, parseGoogHash } from './hash-content.js';
import type { UploadSession } from './open-upload-sessions.js';
import { isFinalChunk, parseContentRange } from './parse-content-range.js';
import { applyObjectFields, parseObjectFields } from './parse-object-fields.js';
import { drainRequest, readJsonObject } from './read-request-body.js';
import { sendEmpty, sendError, sendJson } from './send-response.js';
import { sendWriteFault } from './send-write-fault.js';
import type { StorageCall, StorageContext } from './storage-context.js';
import { toObjectResource } from './to-resource.js';
import { writeStreamToFile } from './write-stream-to-file.js';

const noSuchUpload = (): StorageError => ({
  code: 404,
  message: 'No such upload session; start a new resumable upload.',
  reason: 'notFound',
});

/** `POST ...?uploadType=resumable`: opens a session and answers its URI in `Location`, as Cloud Storage does. */
export async function handleResumableStart(context: StorageContext, call: StorageCall): Promise<void> {
  const { req, res, query, bucket } = call;
  const { store, sessions } = context;
  if (!store.getBucket(bucket)) {
    drainRequest(req);
    return sendError(res, bucketNotFound());
  }
  const preconditions = parsePreconditions(query);
  if (!preconditions.success) {
    drainRequest(req);
    return sendError(res, preconditions.error);
  }
  const body = await readJsonObject(req);
  if (!body.success) return sendError(res, invalidRequest(body.error, 'parseError'));
  const change = parseObjectFields(body.data);
  if (!change.success) return sendError(res, change.error);
  const name = query.get('name') ?? (typeof body.data['name'] === 'string' ? body.data['name'] : undefined);
  if (!name) return sendError(res, invalidRequest('Required parameter: name', 'required'));
  const fields = applyObjectFields({}, change.data);
  const headerType = req.headers['x-upload-content-type'];
  fields.contentType ??= typeof headerType === 'string' ? headerType : 'application/octet-stream';

  // Cloud Storage checks preconditions when the session opens, and again when the last byte arrives.
  const failed = checkWritePreconditions(store.getObject(bucket, name), preconditions.data);
  if (failed) return sendError(res, failed);

  const session = await sessions.create({ bucket, name, fields, preconditions: preconditions.data });
  const location = new URL(`${call.origin}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o`);
  location.searchParams.set('uploadType', 'resumable');
  location.searchParams.set('name', name);
  location.searchParams.set('upload_id', session.id);
  context.logger.debug('resumable upload started', { bucket, name, uploadId: session.id });
  sendEmpty(res, 200, { Location: location.toString(), 'X-GUploader-UploadID': session.id });
}

/** `PUT <session URI>`: appends a chunk (308 with `Range` until the last one), or answers a status query. */
export async function handleResumableChunk(context: StorageContext, call: StorageCall, uploadId: string) {
  const { req, res } = call;
  const { sessions } = context;
  await sessions.withSessionLock(uploadId, async () => {
    const session = await sessions.get(uploadId);
    if (!session || session.bucket !== call.bucket) {
      drainRequest(req);
      return sendError(res, noSuchUpload());
    }
    if (session.completed) {
      drainRequest(req);
      return sendJson(res, 200, toObjectResource(session.completed, call.origin));
    }
    const range = parseContentRange(req.headers['content-range']);
    if (range.kind === 'invalid') {
      drainRequest(req);
      return sendError(
        res,
        invalidRequest(`Failed to parse Content-Range header: ${req.headers['content-range']}`),
      );
    }
    const held = await sessions.received(uploadId);
    if (range.kind === 'query') {
      drainRequest(req);
      if (range.total !== undefined && range.total === held) return finish(context, call, session);
      return sendIncomplete(call, held);
    }
    if (range.first > held) {
      drainRequest(req);
      return sendError(
        res,
        invalidRequest(`Chunk starts at byte ${range.first}, but only ${held} were received.`),
      );
    }
    const final = isFinalChunk(range);
    if (final && sendWriteFault(context, call)) return;
    await writeStreamToFile(req, sessions.partPath(uploadId), {
      append: true,
      skipBytes: held - range.first,
    });
    const now = await sessions.received(uploadId);
    if (!final || (range.total !== undefined && now < range.total)) return sendIncomplete(call, now);
    return finish(context, call, session);
  });
}

/** `DELETE <session URI>`: cancels the upload; Cloud Storage answers 499. */
export async function handleResumableCancel(context: StorageContext, call: StorageCall, uploadId: string) {
  await context.sessions.withSessionLock(uploadId, async () => {
    const session = await context.sessions.get(uploadId);
    if (!session) return sendError(call.res, noSuchUpload());
    await context.sessions.remove(uploadId);
    sendEmpty(call.res, 499);
  });
}

function sendIncomplete(call: StorageCall, held: number): void {
  // No Range header means no bytes yet, as Cloud Storage answers a fresh session.
  sendEmpty(call.res, 308, held > 0 ? { Range: `bytes=0-${held - 1}` } : {});
}

async function finish(context: StorageContext, call: StorageCall, session: UploadSession): Promise<void> {
  const path = context.sessions.partPath(session.id);
  const hashes = await hashFile(path);
  const outcome = await commitStagedUpload(context, {
    bucket: session.bucket,
    name: session.name,
    staged: { path, hashes },
    fields: session.fields,
    preconditions: session.preconditions,
    expected: parseGoogHash(call.req.headers['x-goog-hash']),
  });
  if (!outcome.success) {
    // A failed final check ends the session, as in Cloud Storage: the client must start over.
    await context.sessions.remove(session.id);
    return sendError(call.res, outcome.error);
  }
  await context.sessions.markCompleted(session, outcome.record);
  sendJson(call.res, 200, toObjectResource(outcome.record, call.origin));
}
