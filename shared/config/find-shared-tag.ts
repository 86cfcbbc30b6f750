import { matchesTagPattern } from './compile-tag-pattern.js';
import type { PackageConfig } from './repository-config.js';

type TagRules = Pick<PackageConfig, 'tagPrefix' | 'tagPattern'>;

/** How a claimed tag starts: with `text`, and then (when `digitNext`) a digit. */
interface TagHead {
  text: string;
  digitNext: boolean;
}

// Without a tagPrefix a version tag is "1.2", "v1.2" or "V1.2": what versionFromTag accepts.
const DEFAULT_HEADS: readonly TagHead[] = [
  { text: '', digitNext: true },
  { text: 'v', digitNext: true },
  { text: 'V', digitNext: true },
];

/**
 * A tag both packages could claim, or undefined when none can exist. Exact for tag prefixes; a tag
 * pattern counts only by its literal start, so two patterns that merely might overlap are refused.
 */
export function findSharedTag(a: TagRules, b: TagRules): string | undefined {
  for (const left of tagHeads(a)) {
    for (const right of tagHeads(b)) {
      const shared = intersect(left, right);
      if (shared) return `${shared.text}1.0`;
    }
  }
  return undefined;
}

/** Whether a tag is one of this package's: its pattern, its prefix and a version's first digit. */
export function claimsTag(rules: TagRules, tag: string): boolean {
  if (rules.tagPattern !== undefined && !matchesTagPattern(rules.tagPattern, tag)) return false;
  return tagHeads({ tagPrefix: rules.tagPrefix }).some(
    (head) => tag.startsWith(head.text) && (!head.digitNext || isDigit(tag[head.text.length])),
  );
}

function tagHeads({ tagPrefix, tagPattern }: TagRules): TagHead[] {
  const heads = tagPrefix === undefined ? DEFAULT_HEADS : [{ text: tagPrefix, digitNext: true }];
  if (tagPattern === undefined) return [...heads];
  const literal = { text: literalStart(tagPattern), digitNext: false };
  return heads.flatMap((head) => intersect(head, literal) ?? []);
}

// The heads of tags that start like both, or undefined when no tag can start like both.
function intersect(a: TagHead, b: TagHead): TagHead | undefined {
  const [short, long] = a.text.length <= b.text.length ? [a, b] : [b, a];
  if (!long.text.startsWith(short.text)) return undefined;
  if (long.text.length === short.text.length)
    return { text: long.text, digitNext: short.digitNext || long.digitNext };
  if (short.digitNext && !isDigit(long.text[short.text.length])) return undefined;
  return long;
}

/** The text every match of a pattern starts with ('' when an alternation or a group comes first). */
function literalStart(pattern: string): string {
  if (hasTopLevelAlternation(pattern)) return '';
  const chars = [...pattern.replace(/^\^/, '')];
  let text = '';
  for (let i = 0; i < chars.length;) {
    const char = chars[i] ?? '';
    let literal: string;
    if (char === '\\') {
      const escaped = chars[i + 1] ?? '';
      // Only an escaped punctuation mark is itself; \d, \w, \u… and the rest are classes or codes.
      if (!/^[^A-Za-z0-9]$/u.test(escaped)) break;
      literal = escaped;
      i += 2;
    } else if ('^$.|?*+()[]{}'.includes(char)) {
      break;
    } else {
      literal = char;
      i += 1;
    }
    const next = chars[i];
    if (next === '?' || next === '*' || next === '{') break;
    text += literal;
    if (next === '+') break;
  }
  return text;
}

function hasTopLevelAlternation(pattern: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') i++;
    else if (inClass) inClass = char !== ']';
    else if (char === '[') inClass = true;
    else if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === '|' && depth === 0) return true;
  }
  return false;
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}
