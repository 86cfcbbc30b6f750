import { createRepositoryCatalog } from '../config/create-repository-catalog.js';
import type { Config } from '../config/load-config.js';
import { fixedRepositories, type RepositoryProvider } from '../config/repository-provider.js';
import type { Logger } from '../log/create-logger.js';
import { createGcsCatalogSource } from './create-gcs-catalog-source.js';

/** The served repositories of a function: the file's list, or the gs:// catalog read at run time. */
export function openRepositoryProvider(
  config: Pick<Config, 'catalog' | 'projectId' | 'configRefreshSeconds'>,
  logger: Logger,
): RepositoryProvider {
  const { catalog } = config;
  if (catalog.kind === 'file') return fixedRepositories(catalog.repositories);
  return createRepositoryCatalog({
    source: createGcsCatalogSource({ ...catalog, projectId: config.projectId }),
    logger,
    refreshMs: config.configRefreshSeconds * 1000,
  });
}
