import { tagNameProblem } from '../contracts/tag-name.js';

/**
 * Reads the tag names out of `git ls-remote --tags` output. Peeled entries (`^{}`) and names git
 * itself could not have made are dropped, so nothing odd reaches a message or a build.
 */
export function parseTagRefs(output: string): string[] {
  const tags = new Set<string>();
  for (const line of output.split('\n')) {
    const match = /^[0-9a-f]{40,64}\trefs\/tags\/(.+)$/.exec(line.trimEnd());
    const name = match?.[1]?.replace(/\^\{\}$/, '');
    if (name && tagNameProblem(name) === undefined) tags.add(name);
  }
  return [...tags];
}
