import { describe, expect, it } from 'vitest';
import { RepositoryConfig } from '../../../shared/config/repository-config.js';
import { findMissingTags } from '../../../shared/upstream/find-missing-tags.js';

describe('findMissingTags', () => {
  it('splits tags into missing (oldest first), existing and ignored', () => {
    const result = findMissingTags(
      RepositoryConfig.parse({ repository: 'acme/widgets' }),
      ['v1.10.0', 'v1.2.0', 'v1.0.0', 'v2.0.0b1', 'nightly'],
      new Set(['v1.0.0']),
    );
    expect(result.missing).toEqual([
      { tag: 'v1.2.0', version: '1.2.0' },
      { tag: 'v1.10.0', version: '1.10.0' },
    ]);
    expect(result.existing).toEqual(['v1.0.0']);
    expect(result.ignored.map((entry) => entry.tag)).toEqual(['v2.0.0b1', 'nightly']);
  });

  it("takes the tags of every package of a repository, naming each one's package", () => {
    const repo = RepositoryConfig.parse({
      repository: 'acme/mono',
      packages: [
        { name: 'api', subdirectory: 'api', tagPrefix: 'api-v' },
        { name: 'client', subdirectory: 'client', tagPrefix: 'client-v' },
      ],
    });
    const result = findMissingTags(
      repo,
      ['client-v0.3.0', 'api-v1.2.0', 'docs-v1', 'api-v1.0.0'],
      new Set(['api-v1.0.0']),
    );
    expect(result.missing).toEqual([
      { tag: 'client-v0.3.0', version: '0.3.0', package: 'client' },
      { tag: 'api-v1.2.0', version: '1.2.0', package: 'api' },
    ]);
    expect(result.existing).toEqual(['api-v1.0.0']);
    expect(result.ignored).toEqual([
      {
        tag: 'docs-v1',
        reason: 'tag "docs-v1" matches none of the packages of acme/mono: api-v… (api), client-v… (client)',
      },
    ]);
  });
});
