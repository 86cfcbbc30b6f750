import { versionFromTag } from '../versions/version-from-tag.js';
import type { Version } from '../versions/parse-version.js';
import { claimsTag } from './find-shared-tag.js';
import { listPackages } from './list-packages.js';
import type { PackageConfig, RepositoryConfig } from './repository-config.js';

export type PackageResolution =
  { success: true; data: { package: PackageConfig; version: Version } } | { success: false; error: string };

/**
 * The package of a repository a tag belongs to, and the version it names; or why the tag is no
 * release of any package, in words a person can act on. `prerelease`: GitHub marked the release so.
 */
export function resolvePackage(
  repo: RepositoryConfig,
  tag: string,
  { prerelease = false }: { prerelease?: boolean } = {},
): PackageResolution {
  const packages = listPackages(repo);
  // A repository of one package keeps the reasons of its own tag rules.
  const single = repo.packages === undefined;
  const pkg = single ? packages[0] : packages.find((candidate) => claimsTag(candidate, tag));
  if (!pkg) {
    return {
      success: false,
      error: `tag "${tag}" matches none of the packages of ${repo.repository}: ${packages.map(describeTags).join(', ')}`,
    };
  }
  const of = single ? repo.repository : `package ${pkg.name} of ${repo.repository}`;
  if (prerelease && !pkg.prereleases) {
    return {
      success: false,
      // GitHub-only wording: the only source that marks pre-releases today.
      error: `tag "${tag}" is a GitHub pre-release and prereleases are off for ${of}`,
    };
  }
  const decision = versionFromTag(tag, pkg);
  if (!decision.success)
    return { success: false, error: single ? decision.error : `${decision.error} (${of})` };
  return { success: true, data: { package: pkg, version: decision.data } };
}

// How a person would write the package's tags: "api-v… (api)".
function describeTags(pkg: PackageConfig): string {
  const start = pkg.tagPrefix === undefined ? 'v…' : `${pkg.tagPrefix}…`;
  const pattern = pkg.tagPattern === undefined ? '' : ` matching /${pkg.tagPattern}/`;
  return `${start}${pattern} (${pkg.name})`;
}
