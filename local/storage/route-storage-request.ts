import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalidRequest, notFoundRoute } from './create-storage-error.js';
import {
  handleBucketCreate,
  handleBucketDelete,
  handleBucketGet,
  handleBucketList,
} from './handle-bucket-request.js';
import { handleFaultControl } from './handle-fault-control.js';
import { handleMutationRateControl } from './handle-mutation-rate-control.js';
import { handleObjectList } from './handle-object-list.js';
import { handleObjectRead } from './handle-object-read.js';
import { handlePublicObject, toPublicRead } from './handle-public-object.js';
import { handleObjectDelete, handleObjectPatch } from './handle-object-update.js';
import {
  handleResumableCancel,
  handleResumableChunk,
  handleResumableStart,
} from './handle-resumable-upload.js';
import { handleSimpleUpload } from './handle-simple-upload.js';
import { drainRequest } from './read-request-body.js';
import { sendError } from './send-response.js';
import type { StorageCall, StorageContext } from './storage-context.js';

/** The path under which the fault switch listens; not part of any Google API. */
export const FaultControlPath = '/_pkgrelay/faults';
/** Where the per-object mutation rate is read and set; not part of any Google API. */
export const MutationRateControlPath = '/_pkgrelay/mutation-rate';

/**
 * Dispatches one request. The JSON API is served under `/storage/v1` and also at the root, because the client
 * library uses `STORAGE_EMULATOR_HOST` verbatim as its base URL; uploads live under `/upload/storage/v1`.
 */
export async function routeStorageRequest(
  context: StorageContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method ?? 'GET';
  const origin = `http://${req.headers.host ?? 'localhost'}`;
  if (url.pathname === FaultControlPath) return handleFaultControl(context.faults, req, res);
  if (url.pathname === MutationRateControlPath) return handleMutationRateControl(context.mutations, req, res);
  // `/<bucket>/<object>`: the public URL form, as https://storage.googleapis.com serves it.
  const publicRead = toPublicRead(method, url.pathname, req.headers);
  if (publicRead) return handlePublicObject(context, publicRead, res);

  // Split the raw path: object names arrive percent-encoded, and an encoded '/' must stay inside the name.
  const segments = url.pathname.split('/').slice(1);
  let api: 'json' | 'upload' | 'download' = 'json';
  if (segments[0] === 'upload' || segments[0] === 'download') {
    api = segments[0];
    segments.shift();
  }
  if (segments[0] === 'storage' && segments[1] === 'v1') segments.splice(0, 2);
  else if (api !== 'json') return notFound();

  const [b, rawBucket, o, ...rawObject] = segments;
  if (b !== 'b') return notFound();
  let bucket: string | undefined;
  let object: string | undefined;
  try {
    bucket = rawBucket === undefined ? undefined : decodeURIComponent(rawBucket);
    object = rawObject.length > 0 ? decodeURIComponent(rawObject.join('/')) : undefined;
  } catch {
    drainRequest(req);
    return sendError(res, invalidRequest('The request path is not valid percent-encoding.'));
  }
  const query = url.searchParams;

  if (bucket === undefined) {
    if (api !== 'json') return notFound();
    if (method === 'POST') return handleBucketCreate(context, req, res, query, origin);
    if (method === 'GET') return handleBucketList(context, res, query, origin);
    return notFound();
  }
  if (o === undefined) {
    if (api !== 'json' || rawObject.length > 0) return notFound();
    if (method === 'GET') return handleBucketGet(context, res, bucket, origin);
    if (method === 'DELETE') return handleBucketDelete(context, res, bucket);
    return notFound();
  }
  if (o !== 'o') return notFound();
  const call: StorageCall = { req, res, query, origin, bucket, ...(object !== undefined && { object }) };

  if (api === 'upload') {
    if (object !== undefined) return notFound();
    const uploadId = query.get('upload_id');
    if (uploadId !== null && method === 'PUT') return handleResumableChunk(context, call, uploadId);
    if (uploadId !== null && method === 'DELETE') return handleResumableCancel(context, call, uploadId);
    if (method !== 'POST') return notFound();
    const uploadType = query.get('uploadType');
    if (uploadType === 'resumable') return handleResumableStart(context, call);
    if (uploadType === 'media' || uploadType === 'multipart') return handleSimpleUpload(context, call);
    drainRequest(req);
    return sendError(res, invalidRequest(`Unsupported uploadType: ${uploadType ?? '(none)'}`));
  }
  if (object === undefined) {
    if (api === 'json' && method === 'GET') return handleObjectList(context, call);
    return notFound();
  }
  if (api === 'download') {
    if (method !== 'GET') return notFound();
    query.set('alt', 'media');
    return handleObjectRead(context, call, object);
  }
  if (method === 'GET') return handleObjectRead(context, call, object);
  if (method === 'PATCH') return handleObjectPatch(context, call, object);
  if (method === 'DELETE') return handleObjectDelete(context, call, object);
  return notFound();

  function notFound(): void {
    drainRequest(req);
    sendError(res, notFoundRoute(method, url.pathname));
  }
}
