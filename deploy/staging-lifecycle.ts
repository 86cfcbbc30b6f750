import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Days a build phase's archive stays in the staging bucket. Its publish phase reads it within minutes and
 * reconcile restarts a lost one within the hour; after that it is only a private project's files kept for nothing.
 */
export const STAGING_ARCHIVE_DAYS = 7;

/** The lifecycle file `gcloud storage buckets create|update --lifecycle-file` reads, in the bundle directory. */
export const STAGING_LIFECYCLE_FILE = 'staging-lifecycle.json';

/** Writes the staging bucket's lifecycle rule into the bundle directory, for the deploy plan to pass to gcloud. */
export async function writeStagingLifecycle(outDir: string): Promise<string> {
  const path = join(outDir, STAGING_LIFECYCLE_FILE);
  const rule = { action: { type: 'Delete' }, condition: { age: STAGING_ARCHIVE_DAYS } };
  await writeFile(path, JSON.stringify({ rule: [rule] }, null, 2) + '\n');
  return path;
}
