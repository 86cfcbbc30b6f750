import type { Bucket } from '@google-cloud/storage';
import { readStatusPageFiles, StatusPageObject, type StatusPageSettings } from './status-page-files.js';

/**
 * Uploads the status page into the status bucket beside the JSON it reads, and returns its public URL
 * (`<public base>/<bucket>/index.html`; the base is https://storage.googleapis.com in Google Cloud).
 */
export async function uploadStatusPage(
  bucket: Bucket,
  sourceDir: string,
  {
    publicBase = 'https://storage.googleapis.com',
    ...settings
  }: Omit<StatusPageSettings, 'bucket'> & { publicBase?: string } = {},
): Promise<{ url: string; objects: string[] }> {
  const files = await readStatusPageFiles(sourceDir, { ...settings, bucket: bucket.name });
  await Promise.all(
    files.map(({ object, body, contentType, cacheControl }) =>
      bucket.file(object).save(body, { resumable: false, contentType, metadata: { cacheControl } }),
    ),
  );
  return {
    url: `${publicBase.replace(/\/$/, '')}/${encodeURIComponent(bucket.name)}/${StatusPageObject}`,
    objects: files.map((file) => file.object),
  };
}
