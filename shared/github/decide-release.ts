import { findRepository } from '../config/find-repository.js';
import type { RepositoryConfig } from '../config/repository-config.js';
import { resolvePackage } from '../config/resolve-package.js';
import { tagNameProblem } from '../contracts/tag-name.js';
import type { Version } from '../versions/parse-version.js';

export type ReleaseDecision =
  | { publish: true; repository: string; tag: string; version: Version; package?: string }
  | { publish: false; reason: string };

/** Decides whether a tag of a repository is a release pkgrelay serves; the repository comes back spelled as configured. */
export function decideRelease(
  repositories: readonly RepositoryConfig[],
  candidate: { repository: string; tag: string; prerelease: boolean },
): ReleaseDecision {
  const repo = findRepository(repositories, candidate.repository);
  if (!repo) {
    return { publish: false, reason: `repository ${candidate.repository} is not configured in pkgrelay` };
  }
  const problem = tagNameProblem(candidate.tag);
  if (problem)
    return {
      publish: false,
      reason: `tag ${JSON.stringify(candidate.tag)} is not a valid tag name: it ${problem}`,
    };
  const resolved = resolvePackage(repo, candidate.tag, { prerelease: candidate.prerelease });
  if (!resolved.success) return { publish: false, reason: resolved.error };
  const { package: pkg, version } = resolved.data;
  return {
    publish: true,
    repository: repo.repository,
    tag: candidate.tag,
    version,
    ...(pkg.name === undefined ? {} : { package: pkg.name }),
  };
}
