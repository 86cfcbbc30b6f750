import { rm } from 'node:fs/promises';
import { checkWritePreconditions } from './check-preconditions.js';
import type { Preconditions } from './check-preconditions.js';
import { invalidRequest, objectMutationRateExceeded } from './create-storage-error.js';
import type { StorageError } from './create-storage-error.js';
import type { StagedContent } from './open-object-store.js';
import type { StorageContext } from './storage-context.js';
import type { ObjectRecord, ObjectWriteFields } from './storage-records.js';

export interface StagedUpload {
  bucket: string;
  name: string;
  staged: StagedContent;
  fields: ObjectWriteFields;
  preconditions: Preconditions;
  /** Digests the client sent (X-Goog-Hash, or md5Hash/crc32c in the metadata) to be checked against the bytes. */
  expected: { crc32c?: string | undefined; md5?: string | undefined };
}

/**
 * Turns fully received bytes into the object's next generation: checks the client's digests, then, holding the
 * object's lock, its preconditions, so two writers racing with one `ifGenerationMatch` cannot both win.
 * Removes the staged file whenever the upload does not become the object.
 */
export async function commitStagedUpload(
  context: StorageContext,
  upload: StagedUpload,
): Promise<{ success: true; record: ObjectRecord } | { success: false; error: StorageError }> {
  const { store } = context;
  const { bucket, name, staged, expected } = upload;
  const fail = async (error: StorageError) => {
    await rm(staged.path, { force: true });
    return { success: false as const, error };
  };
  if (expected.crc32c !== undefined && expected.crc32c !== staged.hashes.crc32c) {
    return fail(
      invalidRequest(
        `Provided CRC32C "${expected.crc32c}" doesn't match calculated CRC32C "${staged.hashes.crc32c}".`,
      ),
    );
  }
  if (expected.md5 !== undefined && expected.md5 !== staged.hashes.md5Hash) {
    return fail(
      invalidRequest(
        `Provided MD5 hash "${expected.md5}" doesn't match calculated MD5 hash "${staged.hashes.md5Hash}".`,
      ),
    );
  }
  const outcome = await store.withObjectLock(bucket, name, async () => {
    const failed = checkWritePreconditions(store.getObject(bucket, name), upload.preconditions);
    if (failed) return { success: false as const, error: failed };
    // After the preconditions: a write that fails them changes nothing, so it spends none of the object's rate.
    if (!context.mutations.admit(bucket, name)) {
      return { success: false as const, error: objectMutationRateExceeded(bucket, name) };
    }
    return { success: true as const, record: await store.commitObject(bucket, name, staged, upload.fields) };
  });
  if (outcome.success) {
    context.logger.info('object written', { bucket, name, generation: outcome.record.generation });
    return outcome;
  }
  return fail(outcome.error);
}
