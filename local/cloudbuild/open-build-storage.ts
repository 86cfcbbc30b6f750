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
    // No client retries: retried() below is Cloud Build's retry, and a client retry inside it
    // would try each write up to 25 times. Each artifact goes to its own attempt's path: a repeat writes the same bytes.
    (client ??= import('@google-cloud/storage').then(
      ({ Storage }) => new Storage({ apiEndpoint, projectId, retryOptions: { autoRetry: false } }),
    ));
  return {
    async download(bucket, object) {
      const file = (await connect()).bucket(bucket).file(object);
      const [[data], [metadata]] = await retried(() => Promise.all([file.download(), file.getMetadata()]));
      return { data, generation: String(metadata.generation ?? '') };
    },
    async upload(bucket, object, data) {
      const file = (await connect()).bucket(bucket).file(object);
      await retried(() => file.save(data, { resumable: false, contentType: 'application/octet-stream' }));
      const [metadata] = await retried(() => file.getMetadata());
      return { generation: String(metadata.generation ?? ''), md5Hash: String(metadata.md5Hash ?? '') };
    },
  };
}

/** As Cloud Build's fetcher and uploader do, a failed storage call is tried again, five times at most, backing off. */
async function retried<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }
}
