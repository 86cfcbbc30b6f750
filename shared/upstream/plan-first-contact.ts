import type { RepositoryConfig } from '../config/repository-config.js';
import { compareVersions } from '../versions/compare-versions.js';
import type { TagComparison } from './find-missing-tags.js';

export type ExistingTags = NonNullable<RepositoryConfig['existingTags']>;

export interface FirstContactPlan {
  /** Tags to build, oldest first. */
  build: TagComparison['missing'];
  /** Tags upstream already had that stay unbuilt (a person may still trigger them). */
  left: TagComparison['missing'];
}

/**
 * What the first poll of a repository does with the tags it already has: build all, none, or only the
 * newest N of each package (a monorepo's packages each keep their own latest releases).
 */
export function planFirstContact(
  missing: TagComparison['missing'],
  existingTags: ExistingTags,
): FirstContactPlan {
  if (existingTags === 'all') return { build: missing, left: [] };
  if (existingTags === 'none') return { build: [], left: missing };
  const byPackage = new Map<string, TagComparison['missing']>();
  for (const entry of missing) {
    const key = entry.package ?? '';
    byPackage.set(key, [...(byPackage.get(key) ?? []), entry]);
  }
  const kept = new Set<string>();
  for (const entries of byPackage.values()) {
    const newest = [...entries].sort(
      (a, b) => compareVersions(b.version, a.version) || b.tag.localeCompare(a.tag),
    );
    for (const entry of newest.slice(0, existingTags.latest)) kept.add(entry.tag);
  }
  return {
    build: missing.filter((entry) => kept.has(entry.tag)),
    left: missing.filter((entry) => !kept.has(entry.tag)),
  };
}
