import { describe, expect, it } from 'vitest';
import { RepositoryConfig } from '../../../shared/config/repository-config.js';
import { decideRelease } from '../../../shared/config/decide-release.js';

const repositories = [
  RepositoryConfig.parse({ repository: 'Acme/Widgets' }),
  RepositoryConfig.parse({ repository: 'acme/previews', prereleases: true }),
];

describe('decideRelease', () => {
  it('spells the repository as configured', () => {
    expect(
      decideRelease(repositories, { repository: 'ACME/widgets', tag: 'v1.0', prerelease: false }),
    ).toMatchObject({
      success: true,
      data: { repository: 'Acme/Widgets', tag: 'v1.0', version: { normalized: '1.0' } },
    });
  });

  it('serves GitHub pre-releases only where prereleases are on', () => {
    expect(
      decideRelease(repositories, { repository: 'acme/previews', tag: 'v1.0', prerelease: true }).success,
    ).toBe(true);
    expect(
      decideRelease(repositories, { repository: 'acme/widgets', tag: 'v1.0', prerelease: true }),
    ).toEqual({
      success: false,
      error: expect.stringMatching(/GitHub pre-release and prereleases are off for Acme\/Widgets/),
    });
  });

  it.each([
    ['other/repo', 'v1.0', /other\/repo is not configured/],
    ['acme/widgets', 'v1 .0', /not a valid tag name: it contains a space/],
    ['acme/widgets', 'v1.0$(id)', /not a PEP 440 version/],
    ['acme/widgets', 'v1.0rc1', /prereleases are off/],
  ])('ignores %s %j', (repository, tag, reason) => {
    expect(decideRelease(repositories, { repository, tag, prerelease: false })).toEqual({
      success: false,
      error: expect.stringMatching(reason),
    });
  });
});
