import type { Bucket } from '@google-cloud/storage';
import { readFile } from 'node:fs/promises';
import { readRepositories } from '../../shared/config/load-config.js';

export const CATALOG_OBJECT = 'repositories.json';

/**
 * Creates the catalog bucket and, when it holds no document yet, copies the repositories file there
 * (checked first, so a bad file stops the start with readRepositories' messages). An existing document
 * is kept: it holds what `pkgrelay repositories` changed, and the file is then not read.
 */
export async function seedCatalog(
  bucket: Bucket,
  configPath: string,
): Promise<{ url: string; seeded: boolean }> {
  await bucket.create().catch((error: { code?: number }) => {
    if (error.code !== 409) throw error;
  });
  const url = `gs://${bucket.name}/${CATALOG_OBJECT}`;
  const [exists] = await bucket.file(CATALOG_OBJECT).exists();
  if (exists) return { url, seeded: false };
  const text = await readFile(configPath, 'utf8');
  readRepositories(configPath, () => text);
  try {
    // The file as written (not with defaults filled in), so later edits keep its shape.
    await bucket.file(CATALOG_OBJECT).save(text, {
      resumable: false,
      contentType: 'application/json',
      preconditionOpts: { ifGenerationMatch: 0 },
    });
  } catch (error) {
    if ((error as { code?: number }).code !== 412) throw error;
    return { url, seeded: false };
  }
  return { url, seeded: true };
}
