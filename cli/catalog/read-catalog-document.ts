import { CatalogChange, CHANGE_METADATA_KEY } from './catalog-change.js';
import type { CatalogTarget } from './open-catalog.js';

/** One generation of the served document: its text and the change that produced it, if recorded. */
export interface CatalogDocument {
  text: string;
  generation: string;
  change: CatalogChange | undefined;
}

/** The stored document, its text and metadata from one generation; undefined when there is none. */
export async function readCatalogDocument(target: CatalogTarget): Promise<CatalogDocument | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    let metadata;
    try {
      [metadata] = await target.bucket.file(target.object).getMetadata();
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw error;
    }
    const generation = String(metadata.generation ?? '');
    try {
      // Pinned to the generation whose metadata was read, so text and change belong together.
      const [contents] = await target.bucket.file(target.object, { generation }).download();
      return { text: contents.toString('utf8'), generation, change: readChange(metadata.metadata) };
    } catch (error) {
      // Replaced between the two reads: read the newer one.
      if ((error as { code?: number }).code !== 404) throw error;
    }
  }
  throw new Error(`${target.url} kept changing while it was read; try again`);
}

function readChange(metadata: Record<string, unknown> | undefined): CatalogChange | undefined {
  const raw = metadata?.[CHANGE_METADATA_KEY];
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed = CatalogChange.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
