import { checkWritePreconditions, parsePreconditions } from './check-preconditions.js';
import {
  bucketNotFound,
  invalidRequest,
  objectMutationRateExceeded,
  objectNotFound,
} from './create-storage-error.js';
import type { StorageError } from './create-storage-error.js';
import {
  applyObjectFields,
  parseObjectFields,
  pickObjectFields,
  withObjectFields,
} from './parse-object-fields.js';
import { drainRequest, readJsonObject } from './read-request-body.js';
import { sendEmpty, sendError, sendJson } from './send-response.js';
import { sendWriteFault } from './send-write-fault.js';
import type { StorageCall, StorageContext } from './storage-context.js';
import type { ObjectRecord } from './storage-records.js';
import { toObjectResource } from './to-resource.js';

type Outcome = { record: ObjectRecord } | { error: StorageError };

/** Finds the live object under its lock and checks the write preconditions, then runs `change`. */
async function changeObject(
  context: StorageContext,
  call: StorageCall,
  object: string,
  change: (record: ObjectRecord) => Promise<ObjectRecord>,
): Promise<Outcome> {
  const { store } = context;
  const { query, bucket } = call;
  const preconditions = parsePreconditions(query);
  if (!preconditions.success) return { error: preconditions.error };
  const generation = query.get('generation');
  return store.withObjectLock(bucket, object, async () => {
    const record = store.getObject(bucket, object);
    if (!record || (generation !== null && generation !== String(record.generation))) {
      return { error: objectNotFound(bucket, object) };
    }
    const failed = checkWritePreconditions(record, preconditions.data);
    if (failed) return { error: failed };
    if (!context.mutations.admit(bucket, object))
      return { error: objectMutationRateExceeded(bucket, object) };
    return { record: await change(record) };
  });
}

/** `PATCH .../b/{bucket}/o/{object}`: merges metadata (contentType, cacheControl, custom `metadata`...), bumping the metageneration. */
export async function handleObjectPatch(
  context: StorageContext,
  call: StorageCall,
  object: string,
): Promise<void> {
  const { req, res, bucket } = call;
  if (!context.store.getBucket(bucket)) {
    drainRequest(req);
    return sendError(res, bucketNotFound());
  }
  const body = await readJsonObject(req);
  if (!body.success) return sendError(res, invalidRequest(body.error, 'parseError'));
  const change = parseObjectFields(body.data);
  if (!change.success) return sendError(res, change.error);
  if (sendWriteFault(context, call)) return;
  const outcome = await changeObject(context, call, object, (record) =>
    context.store.replaceObjectRecord({
      ...withObjectFields(record, applyObjectFields(pickObjectFields(record), change.data)),
      metageneration: record.metageneration + 1,
      updated: context.clock().toISOString(),
    }),
  );
  if ('error' in outcome) return sendError(res, outcome.error);
  context.logger.info('object metadata updated', {
    bucket,
    name: object,
    metageneration: outcome.record.metageneration,
  });
  sendJson(res, 200, toObjectResource(outcome.record, call.origin));
}

/** `DELETE .../b/{bucket}/o/{object}`: removes the live object; 204 with no body. */
export async function handleObjectDelete(
  context: StorageContext,
  call: StorageCall,
  object: string,
): Promise<void> {
  const { res, bucket } = call;
  if (!context.store.getBucket(bucket)) return sendError(res, bucketNotFound());
  if (sendWriteFault(context, call)) return;
  const outcome = await changeObject(context, call, object, async (record) => {
    await context.store.deleteObject(bucket, object);
    return record;
  });
  if ('error' in outcome) return sendError(res, outcome.error);
  context.logger.info('object deleted', { bucket, name: object, generation: outcome.record.generation });
  sendEmpty(res, 204);
}
