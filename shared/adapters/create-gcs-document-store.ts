import type { Bucket } from '@google-cloud/storage';
import { downloadWithGeneration } from './download-with-generation.js';
import type {
  DocumentStat,
  DocumentStore,
  ListedDocument,
  StoredDocument,
  WriteResult,
} from '../ports/document-store.js';

export interface GcsStoreOptions {
  bucket: string;
  projectId: string;
  /** Cloud Storage's per-object write rate, one a second; writers of the index pace themselves by it. */
  sameObjectWriteIntervalMs?: number;
  /** Overrides the endpoint; unset, the client uses STORAGE_EMULATOR_HOST or Google's. */
  apiEndpoint?: string;
}

/** A DocumentStore on a Cloud Storage bucket; the client library is loaded on first use. */
export function createGcsDocumentStore(options: GcsStoreOptions): DocumentStore {
  let bucket: Promise<Bucket> | undefined;
  const connect = (): Promise<Bucket> =>
    (bucket ??= import('@google-cloud/storage').then(({ Storage, RETRYABLE_ERR_FN_DEFAULT }) =>
      new Storage({
        projectId: options.projectId,
        ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint } : {}),
        // Status writes are small and precondition-guarded: the client's retries handle 5xx safely with them.
        // A 429 is not resent: the body is stale by then, and its writer reads again after the interval.
        retryOptions: {
          autoRetry: true,
          maxRetries: 5,
          retryDelayMultiplier: 2,
          totalTimeout: 30,
          retryableErrorFn: (error) => statusOf(error) !== 429 && RETRYABLE_ERR_FN_DEFAULT(error),
        },
      }).bucket(options.bucket),
    ));
  return {
    sameObjectWriteIntervalMs: options.sameObjectWriteIntervalMs ?? 1000,
    async read(path: string): Promise<StoredDocument | undefined> {
      const downloaded = await downloadWithGeneration((await connect()).file(path));
      if (!downloaded) return undefined;
      const { contents, generation } = downloaded;
      try {
        return { data: JSON.parse(contents.toString('utf8')), generation };
      } catch (error) {
        return { data: undefined, generation, problem: `not JSON: ${(error as Error).message}` };
      }
    },
    async stat(path: string): Promise<DocumentStat | undefined> {
      try {
        const [metadata] = await (await connect()).file(path).getMetadata();
        const custom = stringsOf(metadata.metadata);
        return { generation: String(metadata.generation ?? ''), ...(custom ? { metadata: custom } : {}) };
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    },
    async write(
      path,
      data,
      { ifGenerationMatch, cacheControl, contentType = 'application/json', metadata },
    ): Promise<WriteResult> {
      const file = (await connect()).file(path);
      try {
        await file.save(JSON.stringify(data, null, 2) + '\n', {
          resumable: false,
          contentType,
          metadata: {
            cacheControl: cacheControl ?? 'no-cache, max-age=0',
            ...(metadata ? { metadata } : {}),
          },
          preconditionOpts: { ifGenerationMatch: Number(ifGenerationMatch) },
        });
        return { success: true, data: { generation: String(file.metadata.generation ?? '') } };
      } catch (error) {
        if (statusOf(error) === 412) return { success: false, error: 'conflict' };
        if (statusOf(error) === 429) return { success: false, error: 'rate-limited' };
        throw error;
      }
    },
    async listDocuments(prefix: string): Promise<ListedDocument[]> {
      const [files] = await (
        await connect()
      ).getFiles({
        prefix,
        autoPaginate: true,
      });
      return files.map((file) => {
        const metadata = stringsOf(file.metadata.metadata);
        return {
          name: file.name,
          generation: String(file.metadata.generation ?? ''),
          ...(metadata ? { metadata } : {}),
        };
      });
    },
  };
}

// Custom metadata as the client returns it: values may be null (a deleted key) or not strings.
function stringsOf(custom: Record<string, unknown> | undefined): Record<string, string> | undefined {
  if (!custom) return undefined;
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(custom)) if (typeof value === 'string') metadata[key] = value;
  return metadata;
}

function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}
