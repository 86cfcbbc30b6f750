import type { RepositoryConfig } from './repository-config.js';

/**
 * The served repositories, as the handlers take them. Without options it may answer from a cache of a
 * few seconds; `maxAgeMs` asks for a list read no longer ago than that.
 */
export type RepositoryProvider = (freshness?: { maxAgeMs: number }) => Promise<readonly RepositoryConfig[]>;

/** A provider of a list fixed at cold start (a repositories file). */
export function fixedRepositories(repositories: readonly RepositoryConfig[]): RepositoryProvider {
  return () => Promise.resolve(repositories);
}
