import { describe, expect, it } from 'vitest';
import { parseTagRefs } from '../../../shared/upstream/parse-tag-refs.js';

const SHA = 'a'.repeat(40);

describe('parseTagRefs', () => {
  it('reads tag names, folds peeled entries and keeps slashes', () => {
    const output = [
      `${SHA}\trefs/tags/v1.0.0`,
      `${SHA}\trefs/tags/v1.0.0^{}`,
      `${SHA}\trefs/tags/release/2.0`,
      `${SHA}\trefs/heads/main`,
      '',
    ].join('\n');
    expect(parseTagRefs(output)).toEqual(['v1.0.0', 'release/2.0']);
  });

  it.each(['-rf', 'a..b', 'x.lock', 'has space', 'semi;colon?'])(
    'drops a name git could not have made: %s',
    (name) => {
      expect(parseTagRefs(`${SHA}\trefs/tags/${name}\n`)).toEqual([]);
    },
  );
});
