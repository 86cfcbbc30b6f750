import { describe, expect, it } from 'vitest';
import { versionFromTag } from '../../../shared/versions/version-from-tag.js';

const plain = { prereleases: false };

describe('versionFromTag', () => {
  it.each([
    ['v1.2.3', plain, '1.2.3'],
    ['1.2.3', plain, '1.2.3'],
    ['release-2.0.1', { tagPrefix: 'release-', prereleases: false }, '2.0.1'],
    ['sdk/v3.1', { tagPrefix: 'sdk/v', prereleases: false }, '3.1'],
    ['v1.2', { tagPattern: 'v1\\.2', prereleases: false }, '1.2'],
    ['v2.0rc1', { prereleases: true }, '2.0rc1'],
    ['v2.0.dev1', { prereleases: true }, '2.0.dev1'],
  ])('accepts %s', (tag, repo, version) => {
    expect(versionFromTag(tag, repo)).toMatchObject({ success: true, data: { normalized: version } });
  });

  it.each([
    [
      '2.0.1',
      { tagPrefix: 'release-', prereleases: false },
      /does not start with the configured tagPrefix "release-"/,
    ],
    ['v1.2-rc', { tagPattern: 'v1\\.2', prereleases: true }, /does not match the configured tagPattern/],
    ['xv1.2', { tagPattern: 'v1\\.2', prereleases: false }, /does not match the configured tagPattern/],
    ['v2.0rc1', plain, /is a pre-release \(2\.0rc1\) and prereleases are off/],
    ['v2.0.dev1', plain, /prereleases are off/],
    ['nightly', plain, /is not a PEP 440 version/],
    [' 1.0', plain, /is not a PEP 440 version/],
    ['vv1.0', plain, /is not a PEP 440 version/],
    ['release-v1.0', { tagPrefix: 'release-', prereleases: false }, /is not a PEP 440 version/],
  ])('refuses %j', (tag, repo, reason) => {
    const decision = versionFromTag(tag, repo);
    expect(decision.success).toBe(false);
    if (!decision.success) expect(decision.error).toMatch(reason);
  });
});
