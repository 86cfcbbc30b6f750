import { describe, expect, it } from 'vitest';
import { parseVersion } from '../../../shared/versions/parse-version.js';

describe('parseVersion', () => {
  it.each([
    ['v1.2.3', '1.2.3', false],
    ['1.2.3', '1.2.3', false],
    ['v1.2.3rc1', '1.2.3rc1', true],
    ['1.2.3-RC.1', '1.2.3rc1', true],
    ['1.0a', '1.0a0', true],
    ['1.0-beta.2', '1.0b2', true],
    ['1.0.post1', '1.0.post1', false],
    ['1.0-1', '1.0.post1', false],
    ['1!2.0', '1!2.0', false],
    ['0!2.0', '2.0', false],
    ['1.0.dev3', '1.0.dev3', true],
    ['1.0+local.1', '1.0+local.1', false],
    ['1.0+Local_A-1', '1.0+local.a.1', false],
    ['01.002.0003', '1.2.3', false],
  ])('%s → %s', (text, normalized, isPrerelease) => {
    expect(parseVersion(text)).toMatchObject({ normalized, isPrerelease });
  });

  it.each(['garbage', '', 'v', '1.2.3.', '1.2.3-foo', '1..2', '1.0+', 'release-1.0', '1.0;rm -rf'])(
    '%j is no version',
    (text) => {
      expect(parseVersion(text)).toBeUndefined();
    },
  );
});
