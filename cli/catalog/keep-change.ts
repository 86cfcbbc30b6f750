import { changeObjectPath, type CatalogChange } from './catalog-change.js';
import type { CatalogTarget } from './open-catalog.js';

/**
 * Writes a change's own create-only record, with the generation it produced. Idempotent: a record that
 * exists already is left as it is, so every writer may settle the last change it finds on the document.
 */
export async function keepChange(
  target: CatalogTarget,
  change: CatalogChange,
  generation: string,
): Promise<string> {
  const path = changeObjectPath(target.changesPrefix, change);
  try {
    await target.bucket.file(path).save(JSON.stringify({ ...change, generation }, null, 2) + '\n', {
      resumable: false,
      contentType: 'application/json',
      preconditionOpts: { ifGenerationMatch: 0 },
    });
  } catch (error) {
    if ((error as { code?: number }).code !== 412) throw error;
  }
  return path;
}
