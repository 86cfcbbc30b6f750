import type { Result } from '../contracts/result.js';
import { tagNameProblem } from '../contracts/tag-name.js';
import type { Version } from '../versions/parse-version.js';
import { findRepository } from './find-repository.js';
import type { RepositoryConfig } from './repository-config.js';
import { resolvePackage } from './resolve-package.js';

/** A tag pkgrelay builds: the repository as configured, the tag, its version and the package it belongs to. */
export interface Release {
  repository: string;
  tag: string;
  version: Version;
  package?: string;
}

/**
 * Decides whether a tag of a repository is a release pkgrelay serves, whatever source announced it;
 * the error says why not, and the repository comes back spelled as configured.
 */
export function decideRelease(
  repositories: readonly RepositoryConfig[],
  candidate: { repository: string; tag: string; prerelease: boolean },
): Result<Release> {
  const repo = findRepository(repositories, candidate.repository);
  if (!repo) {
    return { success: false, error: `repository ${candidate.repository} is not configured in pkgrelay` };
  }
  const problem = tagNameProblem(candidate.tag);
  if (problem)
    return {
      success: false,
      error: `tag ${JSON.stringify(candidate.tag)} is not a valid tag name: it ${problem}`,
    };
  const resolved = resolvePackage(repo, candidate.tag, { prerelease: candidate.prerelease });
  if (!resolved.success) return resolved;
  const { package: pkg, version } = resolved.data;
  return {
    success: true,
    data: {
      repository: repo.repository,
      tag: candidate.tag,
      version,
      ...(pkg.name === undefined ? {} : { package: pkg.name }),
    },
  };
}
