import { describe, expect, it } from 'vitest';
import { RepositoryConfig } from '../../../shared/config/repository-config.js';
import { resolvePackage } from '../../../shared/config/resolve-package.js';

const mono = RepositoryConfig.parse({
  repository: 'Acme/Mono',
  pythonVersion: '3.11',
  packages: [
    { subdirectory: 'api', tagPrefix: 'api-v', distributionName: 'acme-api' },
    { name: 'client', subdirectory: 'clients/python', tagPrefix: 'client-v', prereleases: true },
    { name: 'root', versionPolicy: 'from-tag', pythonVersion: '3.13' },
  ],
});
const single = RepositoryConfig.parse({ repository: 'acme/one', tagPrefix: 'release-' });

describe('resolvePackage', () => {
  it.each([
    [
      'api-v1.2.0',
      'acme-api',
      '1.2.0',
      { subdirectory: 'api', pythonVersion: '3.11', distributionName: 'acme-api' },
    ],
    ['client-v0.3.0', 'client', '0.3.0', { subdirectory: 'clients/python', prereleases: true }],
    ['client-v0.4.0rc1', 'client', '0.4.0rc1', { prereleases: true }],
    ['v2.0', 'root', '2.0', { subdirectory: '', versionPolicy: 'from-tag', pythonVersion: '3.13' }],
    ['2.1', 'root', '2.1', { versionPolicy: 'from-tag' }],
  ])('gives %s to package %s, version %s, with its own options', (tag, name, version, options) => {
    const resolved = resolvePackage(mono, tag);
    expect(resolved).toMatchObject({
      success: true,
      data: {
        package: { name, repository: 'Acme/Mono', private: false, ...options },
        version: { normalized: version },
      },
    });
  });

  it.each([
    [
      'docs-v1',
      {},
      'tag "docs-v1" matches none of the packages of Acme/Mono: api-v… (acme-api), client-v… (client), v… (root)',
    ],
    [
      'api-vnext',
      {},
      'tag "api-vnext" matches none of the packages of Acme/Mono: api-v… (acme-api), client-v… (client), v… (root)',
    ],
    [
      'api-v1.3.0rc1',
      {},
      'tag "api-v1.3.0rc1" is a pre-release (1.3.0rc1) and prereleases are off (package acme-api of Acme/Mono)',
    ],
    [
      'api-v1.3.0',
      { prerelease: true },
      'tag "api-v1.3.0" is a GitHub pre-release and prereleases are off for package acme-api of Acme/Mono',
    ],
  ])('refuses %s %j: %s', (tag, flags, reason) => {
    expect(resolvePackage(mono, tag, flags)).toEqual({ success: false, error: reason });
  });

  it('accepts a GitHub pre-release of a package whose prereleases are on', () => {
    expect(resolvePackage(mono, 'client-v0.3.0', { prerelease: true }).success).toBe(true);
  });

  it.each([
    ['release-1.0', false, undefined],
    ['v1.0', false, 'tag "v1.0" does not start with the configured tagPrefix "release-"'],
    ['release-x', false, 'tag "release-x" is not a PEP 440 version'],
    ['release-1.0', true, 'tag "release-1.0" is a GitHub pre-release and prereleases are off for acme/one'],
  ])(
    'keeps the reasons of a repository of one package: %s (GitHub pre-release: %s)',
    (tag, prerelease, reason) => {
      const resolved = resolvePackage(single, tag, { prerelease });
      if (reason === undefined) expect(resolved).toMatchObject({ success: true, data: { package: single } });
      else expect(resolved).toEqual({ success: false, error: reason });
      if (resolved.success) expect(resolved.data.package).not.toHaveProperty('name');
    },
  );
});
