import type { Bucket } from '@google-cloud/storage';
import { locateCatalog } from '../../shared/config/locate-catalog.js';
import { readStackInfo } from '../../local/stack/stack-info.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { openStatusBucket } from '../read-status.js';

export interface CatalogTargetOptions {
  stack?: string;
  project?: string;
  catalog?: string;
}

/** The served repositories document: its URL, bucket, object and the prefix of its change records. */
export interface CatalogTarget {
  url: string;
  bucket: Bucket;
  object: string;
  changesPrefix: string;
  kind: 'local' | 'cloud';
}

/** The local stack's catalog (stack.json), or the one of a Google Cloud project (`--catalog`, else the deploy's name). */
export async function openCatalog(options: CatalogTargetOptions): Promise<CatalogTarget> {
  let url = options.catalog;
  let apiEndpoint: string | undefined;
  let projectId = options.project;
  if (!options.project) {
    const stack = await readStackInfo(options.stack ?? '.pkgrelay').catch((error: unknown) => {
      throw new CliError((error as Error).message, ExitCode.unreachable, { cause: error });
    });
    if (!stack.catalog)
      throw new CliError('this stack serves a repositories file, not a gs:// catalog', ExitCode.failed);
    url ??= stack.catalog.url;
    apiEndpoint = stack.storage.host;
    projectId = stack.projectId;
    process.env['METADATA_SERVER_DETECTION'] ??= 'none';
  }
  url ??= `gs://${options.project}-pkgrelay-config/repositories.json`;
  let location;
  try {
    location = locateCatalog(url, () => []);
  } catch (error) {
    throw new CliError((error as Error).message, ExitCode.usage, { cause: error });
  }
  if (location.kind !== 'gcs')
    throw new CliError(`--catalog ${url}: give a gs://bucket/object URL`, ExitCode.usage);
  const bucket = await openStatusBucket(location.bucket, {
    ...(projectId ? { projectId } : {}),
    ...(apiEndpoint ? { apiEndpoint } : {}),
    retryOptions: { autoRetry: true, maxRetries: 2, totalTimeout: 15 },
  });
  const folder = location.object.includes('/') ? location.object.replace(/[^/]*$/, '') : '';
  return {
    url,
    bucket,
    object: location.object,
    changesPrefix: `${folder}changes/`,
    kind: options.project ? 'cloud' : 'local',
  };
}
