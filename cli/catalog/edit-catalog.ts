import { parseRepositories } from '../../shared/config/parse-repositories.js';
import type { RepositoryConfig } from '../../shared/config/repository-config.js';
import { ConfigError } from '../../shared/errors.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { CHANGE_METADATA_KEY, type CatalogChange } from './catalog-change.js';
import { keepChange } from './keep-change.js';
import type { CatalogTarget } from './open-catalog.js';
import { readCatalogDocument } from './read-catalog-document.js';

export type RawEntry = Record<string, unknown>;

/** What an edit does to the stored entries, as the document holds them (defaults not filled in). */
export interface CatalogEdit {
  op: CatalogChange['op'];
  repository: string;
  before: RawEntry | null;
  after: RawEntry | null;
  entries: RawEntry[];
}

export interface EditResult {
  change: CatalogChange & { generation: string };
  record: string;
  repositories: RepositoryConfig[];
}

// Cloud Storage allows 8 KiB of custom metadata per object; the change rides on the document in it.
const MAX_CHANGE_BYTES = 7_000;

/**
 * Applies an edit to the served document with a compare-and-swap, retried on a lost race. The change
 * travels on the new generation itself (custom metadata, written with the text in one request), then
 * gets its own create-only record; a writer first records the change it finds on the document, so a
 * change is never lost and no record names a change that was not made. A document the edit would make
 * invalid is refused with readRepositories' messages (exit 1), and nothing is written.
 */
export async function editCatalog(
  target: CatalogTarget,
  edit: (entries: RawEntry[]) => CatalogEdit,
  { by, clock = () => new Date() }: { by: string; clock?: () => Date },
): Promise<EditResult> {
  // Each round one racing writer wins, so ten rounds outlast ten writers at once.
  for (let attempt = 0; attempt < 10; attempt++) {
    const current = await readCatalogDocument(target);
    if (current?.change) await keepChange(target, current.change, current.generation);
    const document = current ? readDocument(current.text, target.url) : { repositories: [] };
    const planned = edit(document.repositories);
    const text = JSON.stringify({ ...document, repositories: planned.entries }, null, 2) + '\n';
    let repositories: RepositoryConfig[];
    try {
      repositories = parseRepositories(text, target.url);
    } catch (error) {
      if (error instanceof ConfigError)
        throw new CliError(`${error.message}\nNothing was changed.`, ExitCode.failed, { cause: error });
      throw error;
    }
    const fromGeneration = current?.generation ?? '0';
    const change: CatalogChange = {
      schemaVersion: 1,
      op: planned.op,
      repository: planned.repository,
      by,
      at: clock().toISOString(),
      fromGeneration,
      before: planned.before,
      after: planned.after,
    };
    const carried = JSON.stringify(change);
    if (Buffer.byteLength(carried) > MAX_CHANGE_BYTES)
      throw new CliError(
        `the change of ${planned.repository} is too large to record (${Buffer.byteLength(carried)} bytes, at most ${MAX_CHANGE_BYTES}); nothing was changed`,
        ExitCode.failed,
      );
    const file = target.bucket.file(target.object);
    try {
      await file.save(text, {
        resumable: false,
        contentType: 'application/json',
        metadata: { cacheControl: 'no-cache, max-age=0', metadata: { [CHANGE_METADATA_KEY]: carried } },
        preconditionOpts: { ifGenerationMatch: Number(fromGeneration) },
      });
    } catch (error) {
      if ((error as { code?: number }).code === 412) continue;
      throw error;
    }
    const generation = String(file.metadata.generation ?? '');
    const record = await keepChange(target, change, generation);
    return { change: { ...change, generation }, record, repositories };
  }
  throw new CliError(`${target.url} kept changing under this edit; try again`, ExitCode.failed);
}

// An edit may repair a document that fails validation (say, remove the bad entry), but not one that is not JSON.
function readDocument(text: string, url: string): { repositories: RawEntry[] } & Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(
      `${url} is not valid JSON (${(error as Error).message}); the functions serve their last good list: repair or replace the object`,
      ExitCode.failed,
    );
  }
  const doc = json as { repositories?: unknown };
  if (typeof json !== 'object' || json === null || !Array.isArray(doc.repositories))
    throw new CliError(`${url} has no "repositories" list; repair or replace the object`, ExitCode.failed);
  return doc as { repositories: RawEntry[] };
}
