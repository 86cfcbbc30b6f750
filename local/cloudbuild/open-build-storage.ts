import type { Storage } from '@google-cloud/storage';

/** The Cloud Storage a build reads its source from and writes its artifacts to. */
export interface BuildStorage {
  download(bucket: string, object: string): Promise<{ data: Buffer; generation: string }>;
  upload(bucket: string, object: string, data: Buffer): Promise<{ generation: string; md5Hash: string }>;
}

/** BuildStorage through the real client, against the storage stand-in (or any storage endpoint). */
export function openBuildStorage({
  apiEndpoint,
  projectId,
}: {
  apiEndpoint: string;
  projectId: string;
}): BuildStorage {
  let client: Promise<Storage> | undefined;
  const connect = (): Promise<Storage> =>
    (client ??= import('@google-cloud/storage').then(
      ({ Storage, IdempotencyStrategy }) =>
        // Cloud Build retries its own source downloads and artifact uploads: a 503 from storage does
        // not fail a build. Each artifact goes to a path of its own attempt, so a repeat writes the same bytes.
        new Storage({
          apiEndpoint,
          projectId,
          retryOptions: {
            autoRetry: true,
            maxRetries: 5,
            idempotencyStrategy: IdempotencyStrategy.RetryAlways,
          },
        }),
    ));
  return {
    async download(bucket, object) {
      const file = (await connect()).bucket(bucket).file(object);
      const [[data], [metadata]] = await Promise.all([file.download(), file.getMetadata()]);
      return { data, generation: String(metadata.generation ?? '') };
    },
    async upload(bucket, object, data) {
      const file = (await connect()).bucket(bucket).file(object);
      // As Cloud Build's uploader does, a failed write is tried again (a few times, backing off).
      for (let attempt = 1; ; attempt++) {
        try {
          await file.save(data, { resumable: false, contentType: 'application/octet-stream' });
          break;
        } catch (error) {
          if (attempt >= 5) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
        }
      }
      const [metadata] = await file.getMetadata();
      return { generation: String(metadata.generation ?? ''), md5Hash: String(metadata.md5Hash ?? '') };
    },
  };
}
