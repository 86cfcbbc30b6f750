import { describe, expect, it } from 'vitest';
import { findSharedTag } from '../../../shared/config/find-shared-tag.js';
import { listPackages } from '../../../shared/config/list-packages.js';
import { readRepositories } from '../../../shared/config/load-config.js';
import { ConfigError } from '../../../shared/errors.js';

const PATH = '/etc/pkgrelay/repositories.json';

function issuesOf(repository: Record<string, unknown>): readonly string[] {
  try {
    readRepositories(PATH, () =>
      JSON.stringify({ repositories: [{ repository: 'acme/mono', ...repository }] }),
    );
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
}

type Rules = { tagPrefix?: string; tagPattern?: string };

describe('findSharedTag', () => {
  it.each<[Rules, Rules, string | undefined]>([
    [{ tagPrefix: 'api-v' }, { tagPrefix: 'client-v' }, undefined],
    [{ tagPrefix: 'api/v' }, { tagPrefix: 'api-v' }, undefined],
    // A version starts with a digit: "api-v1" is no release of prefix "api-".
    [{ tagPrefix: 'api-' }, { tagPrefix: 'api-v' }, undefined],
    [{ tagPrefix: 'api-' }, { tagPrefix: 'api-1' }, 'api-11.0'],
    [{ tagPrefix: 'api-v' }, { tagPrefix: 'api-v' }, 'api-v1.0'],
    [{}, { tagPrefix: 'client-v' }, undefined],
    [{}, { tagPrefix: 'version-' }, undefined],
    [{}, { tagPrefix: 'v' }, 'v1.0'],
    [{}, { tagPrefix: '' }, '1.0'],
    [{}, {}, '1.0'],
    [{ tagPattern: 'v1\\.[0-9]+' }, { tagPattern: 'v2\\.[0-9]+' }, undefined],
    [{ tagPattern: 'v1\\.[0-9]+' }, {}, 'v1.1.0'],
    [{ tagPrefix: 'client-v', tagPattern: 'client-v[0-9.]+' }, { tagPrefix: 'api-v' }, undefined],
    // Without a tagPrefix a tag must be a version itself, whatever the pattern allows.
    [{ tagPattern: '(api|client)-v.*' }, { tagPrefix: 'client-v' }, undefined],
    [{ tagPrefix: 'docs/v', tagPattern: 'docs\\/v.*' }, { tagPrefix: 'api-v' }, undefined],
    // Patterns count by their literal start only: an alternation, a group or an optional character ends it.
    [{ tagPrefix: 'v', tagPattern: 'v(1|2)\\..*' }, { tagPrefix: 'v', tagPattern: 'v3\\..*' }, 'v3.1.0'],
    [{ tagPrefix: 'v', tagPattern: 'v1.*|v2.*' }, { tagPrefix: 'v', tagPattern: 'v3.*' }, 'v31.0'],
    [{ tagPrefix: 'v', tagPattern: 'v12?\\..*' }, { tagPrefix: 'v', tagPattern: 'v13\\..*' }, 'v13.1.0'],
  ])('%j and %j share %s', (a, b, shared) => {
    expect(findSharedTag(a, b)).toBe(shared);
    expect(findSharedTag(b, a)).toBe(shared);
  });
});

describe('the packages of a repository', () => {
  it('inherit the repository options they do not set; repository-level fields stay on the repository', () => {
    const [repo] = readRepositories(PATH, () =>
      JSON.stringify({
        repositories: [
          {
            repository: 'acme/mono',
            private: true,
            tokenSecret: 'mono-token',
            prereleases: true,
            pythonVersion: '3.11',
            packages: [
              { subdirectory: 'api', tagPrefix: 'api-v', distributionName: 'acme-api' },
              { name: 'client', subdirectory: 'client', tagPrefix: 'client-v', prereleases: false },
            ],
          },
        ],
      }),
    );
    expect(listPackages(repo!)).toEqual([
      expect.objectContaining({
        name: 'acme-api',
        subdirectory: 'api',
        prereleases: true,
        pythonVersion: '3.11',
        private: true,
        tokenSecret: 'mono-token',
      }),
      expect.objectContaining({ name: 'client', prereleases: false, versionPolicy: 'must-match' }),
    ]);
  });

  it('are one unnamed package for the flat shape', () => {
    const [repo] = readRepositories(PATH, () => '{"repositories":[{"repository":"a/b","tagPrefix":"r"}]}');
    expect(listPackages(repo!)).toEqual([
      {
        repository: 'a/b',
        tagPrefix: 'r',
        prereleases: false,
        subdirectory: '',
        versionPolicy: 'must-match',
        pythonVersion: '3.12',
        private: false,
      },
    ]);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'prefixes that could claim one tag, naming both',
      { packages: [{ name: 'api', tagPrefix: 'v' }, { name: 'root' }] },
      /repositories\[0\] \(acme\/mono\)\.packages: packages "api" and "root" could both claim a tag like "v1\.0"/,
    ],
    [
      'patterns told apart only after a group (patterns count by their literal start)',
      {
        packages: [
          { name: 'old', tagPrefix: 'v', tagPattern: 'v(1|2)\\..*' },
          { name: 'new', tagPrefix: 'v', tagPattern: 'v3\\..*' },
        ],
      },
      /packages "old" and "new" could both claim a tag like "v3\.1\.0"/,
    ],
    [
      'two packages of one name',
      {
        packages: [
          { subdirectory: 'x', tagPrefix: 'a-' },
          { subdirectory: 'x', tagPrefix: 'b-' },
        ],
      },
      /packages: two packages are named "x": give each its own "name"/,
    ],
    [
      'a repository-level field in a package',
      {
        packages: [
          { name: 'api', tagPrefix: 'api-v' },
          { name: 'client', tagPrefix: 'client-v', private: true },
        ],
      },
      /repositories\[0\] \(acme\/mono\)\.packages\[1\] \(client\)\.private: is a repository setting: set "private" once on the repository, beside "packages"/,
    ],
    [
      'a repository name in a package',
      { packages: [{ repository: 'acme/other', tagPrefix: 'x-' }] },
      /packages\[0\]\.repository: is a repository setting/,
    ],
    ['an empty list', { packages: [] }, /packages: list at least one package/],
    [
      'an unknown option of a package',
      { packages: [{ name: 'api', tagprefix: 'api-v' }] },
      /packages\[0\] \(api\): .*tagprefix/,
    ],
    [
      'a bad option of a package',
      { packages: [{ name: 'api', pythonVersion: 'py3' }] },
      /packages\[0\] \(api\)\.pythonVersion: must look like "3\.12"/,
    ],
  ])('refuses %s', (_case, repository, message) => {
    expect(issuesOf(repository).join('\n')).toMatch(message);
  });

  it.each<[string, Record<string, unknown>]>([
    [
      'two prefixes',
      {
        packages: [
          { tagPrefix: 'api-v', subdirectory: 'api' },
          { tagPrefix: 'client-v', subdirectory: 'client' },
        ],
      },
    ],
    [
      'a root package beside prefixed ones',
      { packages: [{ name: 'root' }, { tagPrefix: 'client-v', subdirectory: 'client' }] },
    ],
    ['one package in the list', { packages: [{ name: 'only', subdirectory: 'py' }] }],
  ])('accepts %s', (_case, repository) => {
    expect(issuesOf(repository)).toEqual([]);
  });
});
