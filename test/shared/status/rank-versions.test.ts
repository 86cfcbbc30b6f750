import { describe, expect, it } from 'vitest';
import { createVersionRanks } from '../../../shared/status/rank-versions.js';
import { compareVersions } from '../../../shared/versions/compare-versions.js';

const VERSIONS = [
  '1.0.0',
  '0.9',
  '1.0',
  '2.0.0rc1',
  '2.0.0',
  '1.0.post1',
  'not-a-version',
  '1.0.0.dev3',
  '10.0',
];

describe('createVersionRanks', () => {
  it('ranks as compareVersions orders, equal versions equal, across calls that add versions', () => {
    const ranks = createVersionRanks();
    ranks.rank(VERSIONS.slice(0, 4));
    const ranked = ranks.rank(VERSIONS);
    for (const a of VERSIONS) {
      for (const b of VERSIONS) {
        expect(Math.sign((ranked.get(a) as number) - (ranked.get(b) as number)), `${a} vs ${b}`).toBe(
          compareVersions(a, b),
        );
      }
    }
    expect(ranked.get('1.0')).toBe(ranked.get('1.0.0'));
  });
});
