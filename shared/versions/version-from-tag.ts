import { matchesTagPattern } from '../config/compile-tag-pattern.js';
import type { RepositoryConfig } from '../config/repository-config.js';
import type { Result } from '../contracts/result.js';
import { parseVersion, type Version } from './parse-version.js';

/** Decides whether a tag names a release this repository publishes, and which PEP 440 version; the error says why not. */
export function versionFromTag(
  tag: string,
  repo: Pick<RepositoryConfig, 'tagPrefix' | 'tagPattern' | 'prereleases'>,
): Result<Version> {
  if (repo.tagPattern !== undefined && !matchesTagPattern(repo.tagPattern, tag)) {
    return { success: false, error: `tag "${tag}" does not match the configured tagPattern` };
  }
  let rest = tag;
  if (repo.tagPrefix !== undefined) {
    if (!tag.startsWith(repo.tagPrefix)) {
      return {
        success: false,
        error: `tag "${tag}" does not start with the configured tagPrefix "${repo.tagPrefix}"`,
      };
    }
    rest = tag.slice(repo.tagPrefix.length);
  } else if (/^v/i.test(tag)) {
    rest = tag.slice(1);
  }
  // PEP 440 tolerates surrounding spaces and a leading v; a tag that is a version must not need them.
  const version = /^[0-9]/.test(rest) ? parseVersion(rest) : undefined;
  if (!version) return { success: false, error: `tag "${tag}" is not a PEP 440 version` };
  if (version.isPrerelease && !repo.prereleases) {
    return {
      success: false,
      error: `tag "${tag}" is a pre-release (${version.normalized}) and prereleases are off`,
    };
  }
  return { success: true, data: version };
}
