import { compareVersions } from '../versions/compare-versions.js';

/** Ranks of versions in PEP 440 order (higher is newer, equal versions equal); remembers every version given. */
export interface VersionRanks {
  /** The rank of each of `versions` in one order, comparing only versions it has not seen before. */
  rank(versions: Iterable<string>): Map<string, number>;
}

/**
 * Groups of equal versions, sorted: each new version is placed by binary search, so ordering a
 * repository's index compares about log2(N) pairs a new version instead of N log2(N) every time
 * (each comparison parses both versions).
 */
export function createVersionRanks(): VersionRanks {
  const groups: string[][] = [];
  const known = new Set<string>();
  return {
    rank(versions) {
      for (const version of versions) {
        if (known.has(version)) continue;
        known.add(version);
        let low = 0;
        let high = groups.length;
        let equal: string[] | undefined;
        while (low < high && !equal) {
          const middle = (low + high) >>> 1;
          const group = groups[middle] as string[];
          const order = compareVersions(group[0] as string, version);
          if (order === 0) equal = group;
          else if (order < 0) low = middle + 1;
          else high = middle;
        }
        if (equal) equal.push(version);
        else groups.splice(low, 0, [version]);
      }
      const ranks = new Map<string, number>();
      groups.forEach((group, i) => group.forEach((version) => ranks.set(version, i)));
      return ranks;
    },
  };
}
