import { describe, expect, it } from 'vitest';
import { TagName, tagNameProblem } from '../../../shared/contracts/tag-name.js';

describe('TagName', () => {
  it.each([
    'v1.2.3',
    'release/v1.0',
    'a$b',
    'a;b',
    'a`b`',
    'tag-ünïcødé',
    '🚀1.0',
    'v1.0-rc.1',
    'x@y',
    'a/b/c',
  ])('accepts %j, as git does', (tag) => {
    expect(tagNameProblem(tag)).toBeUndefined();
    expect(TagName.safeParse(tag).success).toBe(true);
  });

  it.each([
    ['', /is empty/],
    ['a b', /contains a space/],
    ['a\tb', /control character/],
    ['a\u007fb', /control character/],
    ['a~1', /~ \^ :/],
    ['a^b', /~ \^ :/],
    ['a:b', /~ \^ :/],
    ['a?b', /~ \^ :/],
    ['a*b', /~ \^ :/],
    ['a[b', /~ \^ :/],
    ['a\\b', /~ \^ :/],
    ['a..b', /contains "\.\."/],
    ['a@{b', /contains "@\{"/],
    ['@', /contains "@\{"/],
    ['/a', /empty path component/],
    ['a/', /empty path component/],
    ['a//b', /empty path component/],
    ['a.', /ends with "\."/],
    ['a/.b', /starts with "\."/],
    ['.a', /starts with "\."/],
    ['a.lock', /ends with "\.lock"/],
    ['a.lock/b', /ends with "\.lock"/],
    ['-a', /starts with "-"/],
    ['x'.repeat(256), /longer than 255 bytes/],
  ])('refuses %j, as git does', (tag, problem) => {
    expect(tagNameProblem(tag)).toMatch(problem);
    const parsed = TagName.safeParse(tag);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/is not a valid git tag name/);
  });
});
