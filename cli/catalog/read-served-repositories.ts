import { readRepositories } from '../../shared/config/load-config.js';
import { parseRepositories } from '../../shared/config/parse-repositories.js';
import type { RepositoryConfig } from '../../shared/config/repository-config.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { openCatalog, type CatalogTargetOptions } from './open-catalog.js';
import { readCatalogDocument } from './read-catalog-document.js';

/** The repositories a PKGRELAY_CONFIG value serves now: the file's, or the gs:// catalog's, checked as the functions check them. */
export async function readServedRepositories(
  source: string,
  options: CatalogTargetOptions,
): Promise<RepositoryConfig[]> {
  if (!source.startsWith('gs://')) return readRepositories(source);
  const document = await readCatalogDocument(await openCatalog({ ...options, catalog: source }));
  if (!document) throw new CliError(`${source} holds no repositories yet`, ExitCode.failed);
  return parseRepositories(document.text, source);
}
