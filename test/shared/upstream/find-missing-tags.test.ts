import { describe, expect, it } from 'vitest';
import { findMissingTags } from '../../../shared/upstream/find-missing-tags.js';

describe('findMissingTags', () => {
  it('splits tags into missing (oldest first), existing and ignored', () => {
    const result = findMissingTags(
      { prereleases: false },
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
});
