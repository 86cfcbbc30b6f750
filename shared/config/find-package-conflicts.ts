import { findSharedTag } from './find-shared-tag.js';
import { listPackages } from './list-packages.js';
import type { PackageEntry, RepositoryConfig } from './repository-config.js';

/** Why the packages of a repository cannot be told apart (names, or tags two of them could claim); empty when they can. */
export function findPackageConflicts(
  repo: Omit<RepositoryConfig, 'packages'> & { packages?: readonly PackageEntry[] | undefined },
): string[] {
  if (!repo.packages) return [];
  const packages = listPackages(repo);
  const problems: string[] = [];
  packages.forEach((a, i) => {
    for (const b of packages.slice(i + 1)) {
      if (a.name === b.name) {
        problems.push(`two packages are named "${a.name}": give each its own "name"`);
        continue;
      }
      const tag = findSharedTag(a, b);
      if (tag !== undefined) {
        problems.push(
          `packages "${a.name}" and "${b.name}" could both claim a tag like "${tag}": give each a "tagPrefix" that is not the start of the other's (a "tagPattern" counts by its literal start)`,
        );
      }
    }
  });
  return problems;
}
