export const DistributionKind = ['wheel', 'sdist'] as const;
export type DistributionKind = (typeof DistributionKind)[number];

export interface DistributionFilename {
  kind: DistributionKind;
  /** The project name as the filename spells it (not normalized). */
  name: string;
  /** The version as the filename spells it (not normalized). */
  version: string;
}

const SDIST_EXTENSIONS = ['.tar.gz', '.zip'] as const;

/**
 * Reads the project name and version out of a wheel (`name-version(-build)?-py-abi-platform.whl`)
 * or sdist (`name-version.tar.gz`, `.zip`) filename; `undefined` when it is neither.
 */
export function parseDistributionFilename(filename: string): DistributionFilename | undefined {
  if (filename.endsWith('.whl')) {
    const parts = filename.slice(0, -'.whl'.length).split('-');
    if (parts.length !== 5 && parts.length !== 6) return undefined;
    // A build tag, when present, starts with a digit.
    if (parts.length === 6 && !/^[0-9]/.test(parts[2] ?? '')) return undefined;
    const [name, version] = parts;
    if (!name || !version || parts.some((part) => part === '')) return undefined;
    return { kind: 'wheel', name, version };
  }
  const extension = SDIST_EXTENSIONS.find((candidate) => filename.endsWith(candidate));
  if (!extension) return undefined;
  const stem = filename.slice(0, -extension.length);
  // Versions hold no `-` once normalized, so the last one separates name from version.
  const cut = stem.lastIndexOf('-');
  if (cut <= 0 || cut === stem.length - 1) return undefined;
  return { kind: 'sdist', name: stem.slice(0, cut), version: stem.slice(cut + 1) };
}
