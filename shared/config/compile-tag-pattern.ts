import { RE2JS } from 're2js';
import { MAX_TAG_BYTES } from '../contracts/tag-name.js';

export type TagPatternResult = { success: true; data: RE2JS } | { success: false; error: string };

// Patterns come from the configuration only, so this holds a handful; each is compiled once per instance.
const compiled = new Map<string, RE2JS>();

/**
 * Compiles a `tagPattern` with RE2 semantics, which match in time linear in the tag (no backtracking):
 * a pattern RE2 cannot run (lookarounds, backreferences) is refused with the reason.
 */
export function compileTagPattern(source: string): TagPatternResult {
  const known = compiled.get(source);
  if (known) return { success: true, data: known };
  try {
    const pattern = RE2JS.compile(source);
    compiled.set(source, pattern);
    return { success: true, data: pattern };
  } catch (error) {
    return {
      success: false,
      error: `is not a valid regular expression in RE2 syntax: ${explain(source, error)}`,
    };
  }
}

/**
 * Whether the whole tag matches the pattern. A tag over git's 255-byte component limit never matches,
 * so the work per tag stays bounded whatever an upstream pushes.
 */
export function matchesTagPattern(source: string, tag: string): boolean {
  if (tag.length > MAX_TAG_BYTES || Buffer.byteLength(tag) > MAX_TAG_BYTES) return false;
  const pattern = compileTagPattern(source);
  return pattern.success && pattern.data.matches(tag);
}

// RE2's own words, plus what to do for the two constructs people bring from JavaScript or PCRE.
function explain(source: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/\(\?<?[=!]/.test(source))
    return `lookarounds ((?=…), (?!…), (?<=…), (?<!…)) need a backtracking engine, which pkgrelay does not run on tags (${message})`;
  if (/\\[1-9]|\\k</.test(source))
    return `backreferences (\\1, \\k<name>) need a backtracking engine, which pkgrelay does not run on tags (${message})`;
  return message;
}
