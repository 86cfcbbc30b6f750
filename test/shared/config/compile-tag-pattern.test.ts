import { describe, expect, it } from 'vitest';
import { compileTagPattern, matchesTagPattern } from '../../../shared/config/compile-tag-pattern.js';
import { RepositoriesFile } from '../../../shared/config/repository-config.js';

describe('compileTagPattern', () => {
  it.each([
    ['v1\\.[0-9]+', 'v1.2', true],
    ['v1\\.[0-9]+', 'xv1.2', false],
    ['v1\\.[0-9]+', 'v1.2x', false],
    ['v1.*|v2.*', 'v2.0', true],
    ['v1.*|v2.*', 'xv2.0', false],
    ['(?P<major>\\d+)\\.\\d+', '1.2', true],
    ['(?<major>\\d+)\\.\\d+', '1.2', true],
    ['docs\\/v.*', 'docs/v1', true],
    ['\\p{L}+-v\\d+', 'api-v1', true],
  ])('%s matches the whole of %s: %s', (source, tag, expected) => {
    expect(matchesTagPattern(source, tag)).toBe(expected);
  });

  it.each([
    ['(v)\\1', /backreferences/],
    ['(?<n>v)\\k<n>', /backreferences/],
    ['(?=v)v\\d+', /lookarounds/],
    ['(?!x)v\\d+', /lookarounds/],
    ['(?<=v)\\d+', /lookarounds/],
    ['(?<!x)v\\d+', /lookarounds/],
    ['((', /missing closing \)/],
    ['\\u0041', /invalid escape/],
  ])('refuses %s, saying why', (source, reason) => {
    const result = compileTagPattern(source);
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(result.error).toMatch(/^is not a valid regular expression in RE2 syntax: /);
      expect(result.error).toMatch(reason);
    }
  });

  it('refuses such a pattern at config load, naming the repository and the option', () => {
    const parsed = RepositoriesFile.safeParse({
      repositories: [{ repository: 'a/b', packages: [{ name: 'api', tagPattern: 'api-v(?=\\d)\\d+' }] }],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ['repositories', 0, 'packages', 0, 'tagPattern'],
      message: expect.stringMatching(/lookarounds/),
    });
  });

  it('runs the catastrophic pattern of issue 16 over hostile tags of every length to the cap', () => {
    // Backtracking takes 2^n steps on "v" + n ones + "!": 16 s at n = 28, and far past any bound here.
    const pattern = 'v([0-9]+\\.?)+';
    for (let ones = 1; ones < 254; ones++)
      expect(matchesTagPattern(pattern, `v${'1'.repeat(ones)}!`)).toBe(false);
    expect(matchesTagPattern(pattern, `v${'1'.repeat(254)}`)).toBe(true);
  });

  it('never matches a tag over 255 bytes, whatever the pattern', () => {
    expect(matchesTagPattern('.*', 'v'.repeat(255))).toBe(true);
    expect(matchesTagPattern('.*', 'v'.repeat(256))).toBe(false);
    expect(matchesTagPattern('.*', 'é'.repeat(128))).toBe(false);
  });
});
