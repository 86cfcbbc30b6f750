import { describe, expect, it } from 'vitest';
import { formatWheelPlatform } from '../../cli/format-wheel-platform.js';

type Format = (tags: readonly string[] | undefined) => string | undefined;
// The status page is plain JavaScript without types: loaded by a path tsc does not resolve.
const page = '../../status-page/format-values.js';
const { formatPlatform } = (await import(page)) as { formatPlatform: Format };

// pkgrelay status and the status page name a wheel's platform the same way.
describe.each([
  ['pkgrelay status', formatWheelPlatform],
  ['the status page', formatPlatform],
])('the platform %s shows for a wheel', (_where, format) => {
  it.each([
    [['py3-none-any'], undefined],
    [['py2-none-any', 'py3-none-any'], undefined],
    [undefined, undefined],
    [['py3-none-manylinux_2_34_x86_64'], 'manylinux_2_34_x86_64'],
    [
      ['cp311-cp311-manylinux1_x86_64', 'cp311-cp311-manylinux_2_5_x86_64'],
      'manylinux1_x86_64, manylinux_2_5_x86_64',
    ],
  ])('%j: %s', (tags, expected) => {
    expect(format(tags)).toBe(expected);
  });
});
