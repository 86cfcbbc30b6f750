/** One entry of a package-lock.json (v3) `packages` map: the fields npm ci reads, and what else npm wrote. */
export interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  peer?: boolean;
  [field: string]: unknown;
}

export interface Lockfile {
  name?: string;
  version?: string;
  lockfileVersion: number;
  requires?: boolean;
  packages: Record<string, LockEntry>;
}

/** The bundle's package.json fields the lockfile's root entry repeats (npm ci checks that they agree). */
export interface BundleManifest {
  name: string;
  dependencies: Record<string, string>;
  engines?: Record<string, string>;
}

/**
 * The bundle's own package-lock.json: exactly the packages of the repository's lockfile that the bundle's
 * dependencies reach, at the same paths and versions, so Cloud Functions' `npm ci` installs what the tests ran.
 */
export function createBundleLockfile(root: Lockfile, manifest: BundleManifest): Lockfile {
  if (root.lockfileVersion < 2) throw new Error('the repository lockfile must be lockfileVersion 2 or 3');
  const kept = new Map<string, LockEntry>();
  const visit = (from: string, name: string, optional: boolean): void => {
    const location = resolveLocation(root, from, name);
    if (!location) {
      if (optional) return;
      throw new Error(
        `${name}, needed by ${from || manifest.name}, is not in the repository's package-lock.json`,
      );
    }
    if (kept.has(location)) return;
    const entry = root.packages[location]!;
    kept.set(location, entry);
    for (const dependency of Object.keys(entry.dependencies ?? {})) visit(location, dependency, false);
    for (const dependency of Object.keys(entry.optionalDependencies ?? {})) visit(location, dependency, true);
    for (const dependency of Object.keys(entry.peerDependencies ?? {}))
      visit(location, dependency, entry.peerDependenciesMeta?.[dependency]?.optional === true);
  };
  for (const name of Object.keys(manifest.dependencies)) visit('', name, false);

  const packages: Record<string, LockEntry> = {
    '': {
      name: manifest.name,
      dependencies: manifest.dependencies,
      ...(manifest.engines ? { engines: manifest.engines } : {}),
    },
  };
  for (const location of [...kept.keys()].sort()) {
    // Everything here is a production dependency of the bundle: the root's dev flags do not apply.
    const { dev: _dev, devOptional: _devOptional, ...entry } = kept.get(location)!;
    packages[location] = entry;
  }
  return { name: manifest.name, lockfileVersion: 3, requires: true, packages };
}

// Node's resolution over the lockfile's layout: the nearest node_modules folder from `from` upwards.
function resolveLocation(root: Lockfile, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (root.packages[candidate] && !root.packages[candidate].link) return candidate;
    if (!base) return undefined;
    const at = base.lastIndexOf('/node_modules/');
    base = at < 0 ? '' : base.slice(0, at);
  }
}
