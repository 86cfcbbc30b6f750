import type { Build } from './build-types.js';

export type FilterResult =
  { success: true; data: (build: Build) => boolean } | { success: false; error: string };

/** Understands the list filter's `key="value"` terms joined by AND, for status, build_id, tags and substitutions. */
export function parseBuildFilter(filter: string | undefined): FilterResult {
  if (!filter?.trim()) return { success: true, data: () => true };
  const terms = filter.split(/\s+AND\s+/);
  const tests: ((build: Build) => boolean)[] = [];
  for (const term of terms) {
    const match = /^\s*([a-z_.A-Z0-9]+)\s*=\s*"([^"]*)"\s*$/.exec(term);
    if (!match)
      return {
        success: false,
        error: `invalid filter "${filter}": the stand-in understands key="value" terms joined by AND`,
      };
    const [, key = '', value = ''] = match;
    if (key === 'status') tests.push((build) => build.status === value);
    else if (key === 'build_id' || key === 'id') tests.push((build) => build.id === value);
    else if (key === 'tags') tests.push((build) => (build.tags ?? []).includes(value));
    else if (key.startsWith('substitutions.')) {
      const name = key.slice('substitutions.'.length);
      tests.push((build) => build.substitutions?.[name] === value);
    } else return { success: false, error: `invalid filter "${filter}": unsupported key "${key}"` };
  }
  return { success: true, data: (build) => tests.every((test) => test(build)) };
}
