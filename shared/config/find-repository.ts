import { repositoryKey } from '../contracts/repository-name.js';
import type { RepositoryConfig } from './repository-config.js';

// GitHub-only: configured repositories name no source; a second source needs one on each entry.
/** The configuration of a repository, matched case-insensitively as GitHub names are; undefined if it is not served. */
export function findRepository(
  repositories: readonly RepositoryConfig[],
  repository: string,
): RepositoryConfig | undefined {
  const key = repositoryKey(repository);
  return repositories.find((repo) => repositoryKey(repo.repository) === key);
}
