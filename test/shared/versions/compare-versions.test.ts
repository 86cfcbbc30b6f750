import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compareVersions } from '../../../shared/versions/compare-versions.js';

// Spellings real tags use, and the corners of PEP 440's ordering: epochs, dev releases of finals,
// pre-, post- and dev-releases of each other, local labels, implicit zeros, long releases.
const VERSIONS = [
  '1.0',
  '1.0.0',
  '1.0.post1',
  '1.0.post1.dev1',
  '1.0.dev0',
  '1.0a1',
  '1.0a1.dev1',
  '1.0a1.post1',
  '1.0b2',
  '1.0rc1',
  '1.0rc1.post2',
  '1.0+local.1',
  '1.0+local.2',
  '1.0+abc',
  '1!0.1',
  '2.0',
  '1.2.3.4.5.6.7',
  '1.2.3.4.5.6.8',
  '1.2.3.4.5.6',
  '10.0',
  '1.10',
  '1.9.99999999999',
  '0.0.1.dev5',
  '1.0.post0',
  '1.0c2',
  '1.0-1',
  'v3.1.4',
  '2.0.0-RC.3',
];

/** The order Python's packaging (what pip uses) gives the same versions: the oracle. */
function sortedByPackaging(versions: readonly string[]): string[] {
  const program = [
    'import json, sys',
    'from packaging.version import Version',
    'print(json.dumps(sorted(json.load(sys.stdin), key=Version)))',
  ].join('\n');
  return JSON.parse(
    execFileSync('python3', ['-I', '-c', program], { input: JSON.stringify(versions) }).toString(),
  );
}

describe('compareVersions', () => {
  it('orders versions exactly as packaging does', () => {
    // Both sorts are stable, so equal versions (1.0 and 1.0.0) keep their input order in each.
    for (const input of [[...VERSIONS], [...VERSIONS].reverse()])
      expect([...input].sort(compareVersions)).toEqual(sortedByPackaging(input));
  });

  it('puts a dev release before its final release and a post release after it', () => {
    expect(compareVersions('1.0.dev0', '1.0')).toBe(-1);
    expect(compareVersions('1.0.post1', '1.0')).toBe(1);
    expect(compareVersions('1.0', '1.0.0')).toBe(0);
  });

  it('puts what is not a version before every version, and keeps them equal to each other', () => {
    expect(compareVersions('nightly', '0.0.1')).toBe(-1);
    expect(compareVersions('0.0.1', 'nightly')).toBe(1);
    expect(compareVersions('nightly', 'latest')).toBe(0);
  });
});
