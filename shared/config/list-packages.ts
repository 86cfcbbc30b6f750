import type { PackageConfig, PackageEntry, RepositoryConfig } from './repository-config.js';

type RepositoryOptions = Omit<RepositoryConfig, 'packages'> & {
  packages?: readonly PackageEntry[] | undefined;
};

/**
 * The packages a repository publishes, each with the repository's options overridden by its own:
 * one unnamed package for a repository without `packages` (today's flat shape), else one per entry.
 */
export function listPackages(repo: RepositoryOptions): PackageConfig[] {
  const { packages, ...defaults } = repo;
  if (!packages) return [defaults];
  return packages.map((entry, index) => {
    const { name, repository: _r, private: _p, tokenSecret: _t, packages: _n, ...own } = entry;
    const merged: PackageConfig = { ...defaults, ...withoutUndefined(own) };
    return { ...merged, name: name ?? defaultName(merged, index) };
  });
}

// A name a person recognises: what it publishes as, else where it lives, else how its tags start.
function defaultName(pkg: PackageConfig, index: number): string {
  return pkg.distributionName ?? (pkg.subdirectory || undefined) ?? pkg.tagPrefix ?? `package ${index + 1}`;
}

// A package's unset options are absent, so the spread keeps the repository's.
function withoutUndefined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
