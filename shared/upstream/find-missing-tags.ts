import type { RepositoryConfig } from '../config/repository-config.js';
import { compareVersions } from '../versions/compare-versions.js';
import { versionFromTag } from '../versions/version-from-tag.js';

export interface TagComparison {
  /** Tags the configuration accepts that have no job, oldest version first. */
  missing: Array<{ tag: string; version: string }>;
  /** Accepted tags that already have a job. */
  existing: string[];
  /** Tags the configuration does not accept, with the reason. */
  ignored: Array<{ tag: string; reason: string }>;
}

/** Splits upstream tags into those to enqueue, those with a job, and those the configuration ignores. */
export function findMissingTags(
  repo: Pick<RepositoryConfig, 'tagPrefix' | 'tagPattern' | 'prereleases'>,
  upstreamTags: readonly string[],
  jobTags: ReadonlySet<string>,
): TagComparison {
  const result: TagComparison = { missing: [], existing: [], ignored: [] };
  for (const tag of upstreamTags) {
    const decision = versionFromTag(tag, repo);
    if (!decision.accepted) result.ignored.push({ tag, reason: decision.reason });
    else if (jobTags.has(tag)) result.existing.push(tag);
    else result.missing.push({ tag, version: decision.version.normalized });
  }
  // Oldest first, so the newest release is the last one built and the badge ends on it.
  result.missing.sort((a, b) => compareVersions(a.version, b.version) || a.tag.localeCompare(b.tag));
  return result;
}
