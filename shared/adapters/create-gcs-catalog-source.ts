import type { File } from '@google-cloud/storage';
import type { CatalogSource } from '../ports/catalog-source.js';
import { downloadWithGeneration } from './download-with-generation.js';

export interface GcsCatalogOptions {
  url: string;
  bucket: string;
  object: string;
  projectId: string;
  /** Overrides the endpoint; unset, the client uses STORAGE_EMULATOR_HOST or Google's. */
  apiEndpoint?: string;
}

/** The repositories object in Cloud Storage; the client library is loaded on first use. */
export function createGcsCatalogSource(options: GcsCatalogOptions): CatalogSource {
  let file: Promise<File> | undefined;
  const connect = (): Promise<File> =>
    (file ??= import('@google-cloud/storage').then(({ Storage }) =>
      new Storage({
        projectId: options.projectId,
        ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint } : {}),
        // A webhook may wait on this read: few retries, and the last good list is served if they fail.
        retryOptions: { autoRetry: true, maxRetries: 2, totalTimeout: 5 },
      })
        .bucket(options.bucket)
        .file(options.object),
    ));
  return {
    url: options.url,
    async generation() {
      try {
        const [metadata] = await (await connect()).getMetadata();
        return String(metadata.generation ?? '');
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    },
    async read() {
      const downloaded = await downloadWithGeneration(await connect());
      return downloaded && { text: downloaded.contents.toString('utf8'), generation: downloaded.generation };
    },
  };
}

function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}
