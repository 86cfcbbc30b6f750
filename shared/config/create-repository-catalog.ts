import { ConfigError } from '../errors.js';
import type { Logger } from '../log/create-logger.js';
import type { CatalogSource } from '../ports/catalog-source.js';
import { parseRepositories } from './parse-repositories.js';
import type { RepositoryConfig } from './repository-config.js';
import type { RepositoryProvider } from './repository-provider.js';

export interface RepositoryCatalogOptions {
  source: CatalogSource;
  logger: Logger;
  /** How long a read list is served before the generation is looked at again. */
  refreshMs?: number;
  now?: () => number;
}

interface Served {
  repositories: readonly RepositoryConfig[];
  generation: string;
  checkedAt: number;
}

/**
 * The served repositories from a stored document, cached for `refreshMs`, one refresh shared by every
 * caller. A refresh costs a generation check; the text is read only when it changed. A document that
 * fails validation (or cannot be read) never replaces the last good list: that stays served, and the
 * problem is logged as an ERROR with readRepositories' messages. With no good list yet it throws.
 */
export function createRepositoryCatalog({
  source,
  logger,
  refreshMs = 30_000,
  now = () => Date.now(),
}: RepositoryCatalogOptions): RepositoryProvider {
  let served: Served | undefined;
  let refreshing: Promise<readonly RepositoryConfig[]> | undefined;
  // A refused generation is reported once, not on every refresh while it stays stored.
  let refused: string | undefined;

  const refresh = async (): Promise<readonly RepositoryConfig[]> => {
    const checkedAt = now();
    try {
      const generation = await source.generation();
      if (served && generation === served.generation) {
        served.checkedAt = checkedAt;
        return served.repositories;
      }
      if (served && generation !== undefined && generation === refused) {
        served.checkedAt = checkedAt;
        return served.repositories;
      }
      const document = await source.read();
      if (!document) {
        throw new ConfigError(source.url, [
          'does not exist: add a repository with `pkgrelay repositories add`, or copy the repositories file there',
        ]);
      }
      let repositories: RepositoryConfig[];
      try {
        repositories = parseRepositories(document.text, source.url);
      } catch (error) {
        refused = document.generation;
        throw error;
      }
      const before = served?.generation;
      served = { repositories, generation: document.generation, checkedAt };
      logger.info('serving repositories', {
        catalog: source.url,
        generation: document.generation,
        previousGeneration: before,
        repositories: repositories.length,
      });
      return repositories;
    } catch (error) {
      if (!served) throw error;
      served.checkedAt = checkedAt;
      logger.error('the stored repositories were not taken; the last good list stays served', {
        catalog: source.url,
        servedGeneration: served.generation,
        error,
        ...(error instanceof ConfigError ? { issues: error.issues } : {}),
      });
      return served.repositories;
    }
  };

  return async (freshness) => {
    const maxAgeMs = freshness?.maxAgeMs ?? refreshMs;
    if (served && now() - served.checkedAt < maxAgeMs) return served.repositories;
    refreshing ??= refresh().finally(() => (refreshing = undefined));
    return refreshing;
  };
}
