import { findRepository } from '../config/find-repository.js';
import type { RepositoryConfig } from '../config/repository-config.js';
import { tagNameProblem } from '../contracts/tag-name.js';
import { versionFromTag } from '../versions/version-from-tag.js';
import type { Version } from '../versions/parse-version.js';

export type ReleaseDecision =
  { publish: true; repository: string; tag: string; version: Version } | { publish: false; reason: string };

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
  if (candidate.prerelease && !repo.prereleases) {
    return {
      publish: false,
      reason: `tag "${candidate.tag}" is a GitHub pre-release and prereleases are off for ${repo.repository}`,
    };
  }
  const decision = versionFromTag(candidate.tag, repo);
  if (!decision.accepted) return { publish: false, reason: decision.reason };
  return { publish: true, repository: repo.repository, tag: candidate.tag, version: decision.version };
}
