import type { RepositoryConfig } from '../config/repository-config.js';
import { resolvePackage } from '../config/resolve-package.js';
import { compareVersions } from '../versions/compare-versions.js';

export interface TagComparison {
  /** Tags the configuration accepts that have no job, oldest version first. */
  missing: Array<{ tag: string; version: string; package?: string }>;
  /** Accepted tags that already have a job. */
  existing: string[];
  /** Tags the configuration does not accept, with the reason. */
  ignored: Array<{ tag: string; reason: string }>;
}

/** Splits upstream tags (of every package of the repository) into those to enqueue, those with a job, and those the configuration ignores. */
export function findMissingTags(
  repo: RepositoryConfig,
  upstreamTags: readonly string[],
  jobTags: ReadonlySet<string>,
): TagComparison {
  const result: TagComparison = { missing: [], existing: [], ignored: [] };
  for (const tag of upstreamTags) {
    const resolved = resolvePackage(repo, tag);
    if (!resolved.success) result.ignored.push({ tag, reason: resolved.error });
    else if (jobTags.has(tag)) result.existing.push(tag);
    else {
      const { package: pkg, version } = resolved.data;
      result.missing.push({ tag, version: version.normalized, ...(pkg.name ? { package: pkg.name } : {}) });
    }
  }
  // Oldest first, so the newest release is the last one built and the badge ends on it.
  result.missing.sort((a, b) => compareVersions(a.version, b.version) || a.tag.localeCompare(b.tag));
  return result;
}
