import type { IncomingMessage, ServerResponse } from 'node:http';
import { bucketAlreadyOwned, bucketNotFound, invalidRequest } from './create-storage-error.js';
import { readJsonObject } from './read-request-body.js';
import { sendEmpty, sendError, sendJson } from './send-response.js';
import type { StorageContext } from './storage-context.js';
import { toBucketResource } from './to-resource.js';

// Cloud Storage's rule for names without dots: 3-63 lowercase letters, digits, '-', '_' and '.', letter or digit at both ends.
const BucketName = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;

/** `POST .../b?project=P` with `{name}`: creates a bucket; 409 if it exists, as Cloud Storage answers its owner. */
export async function handleBucketCreate(
  context: StorageContext,
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
  origin: string,
): Promise<void> {
  const body = await readJsonObject(req);
  if (!body.success) return sendError(res, invalidRequest(body.error, 'parseError'));
  const projectId = query.get('project');
  if (!projectId) return sendError(res, invalidRequest('Required parameter: project', 'required'));
  const name = body.data['name'];
  if (typeof name !== 'string' || name === '') return sendError(res, invalidRequest('Required', 'required'));
  if (!BucketName.test(name)) return sendError(res, invalidRequest('Invalid bucket name: ' + `'${name}'`));
  const now = context.clock().toISOString();
  const record = {
    name,
    projectId,
    location: typeof body.data['location'] === 'string' ? body.data['location'].toUpperCase() : 'US',
    storageClass: typeof body.data['storageClass'] === 'string' ? body.data['storageClass'] : 'STANDARD',
    metageneration: 1,
    timeCreated: now,
    updated: now,
  };
  if ((await context.store.createBucket(record)) === 'exists') return sendError(res, bucketAlreadyOwned());
  context.logger.info('bucket created', { bucket: name, projectId });
  sendJson(res, 200, toBucketResource(record, origin));
}

/** `GET .../b/{bucket}`: the bucket resource, or 404. */
export function handleBucketGet(
  context: StorageContext,
  res: ServerResponse,
  bucket: string,
  origin: string,
): void {
  const record = context.store.getBucket(bucket);
  if (!record) return sendError(res, bucketNotFound());
  sendJson(res, 200, toBucketResource(record, origin));
}

/** `GET .../b?project=P`: the buckets of that project. */
export function handleBucketList(
  context: StorageContext,
  res: ServerResponse,
  query: URLSearchParams,
  origin: string,
): void {
  const projectId = query.get('project');
  if (!projectId) return sendError(res, invalidRequest('Required parameter: project', 'required'));
  const items = context.store.listBuckets().filter((b) => b.projectId === projectId);
  sendJson(res, 200, {
    kind: 'storage#buckets',
    ...(items.length > 0 && { items: items.map((b) => toBucketResource(b, origin)) }),
  });
}

/** `DELETE .../b/{bucket}`: removes an empty bucket; 409 while it holds objects. */
export async function handleBucketDelete(context: StorageContext, res: ServerResponse, bucket: string) {
  const outcome = await context.store.deleteBucket(bucket);
  if (outcome === 'not-found') return sendError(res, bucketNotFound());
  if (outcome === 'not-empty') {
    return sendError(res, {
      code: 409,
      message: 'The bucket you tried to delete is not empty.',
      reason: 'conflict',
    });
  }
  sendEmpty(res, 204);
}
