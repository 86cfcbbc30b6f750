import { describe, expect, it } from 'vitest';
import { parseTagCommits } from '../../../shared/upstream/parse-tag-commits.js';

const [A, B, C] = ['a'.repeat(40), 'b'.repeat(40), 'c'.repeat(40)];

describe('parseTagCommits', () => {
  it('takes the peeled commit of an annotated tag and the direct one of a lightweight tag', () => {
    const output = [`${A}\trefs/tags/v1.0.0`, `${B}\trefs/tags/v1.0.0^{}`, `${C}\trefs/tags/v2.0.0`, ''].join(
      '\n',
    );
    expect(parseTagCommits(output)).toEqual(
      new Map([
        ['v1.0.0', B],
        ['v2.0.0', C],
      ]),
    );
  });

  it('keeps the peeled line whichever order git prints them in, and drops names git could not make', () => {
    const output = [`${B}\trefs/tags/v1^{}`, `${A}\trefs/tags/v1`, `${A}\trefs/tags/bad..name`].join('\n');
    expect(parseTagCommits(output)).toEqual(new Map([['v1', B]]));
  });
});
