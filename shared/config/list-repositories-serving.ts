import { findRepository } from './find-repository.js';
import type { RepositoryConfig } from './repository-config.js';
import type { RepositoryProvider } from './repository-provider.js';

/**
 * The served repositories, looked at again (no older than `recheckMs`) when `repository` is not among
 * the cached ones: a repository added a moment ago is served at once, not refused until the cache ages.
 */
export async function listRepositoriesServing(
  repositories: RepositoryProvider,
  repository: string,
  recheckMs: number,
): Promise<readonly RepositoryConfig[]> {
  const cached = await repositories();
  if (findRepository(cached, repository)) return cached;
  return repositories({ maxAgeMs: recheckMs });
}
