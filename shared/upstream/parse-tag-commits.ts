import { tagNameProblem } from '../contracts/tag-name.js';

/**
 * The commit each tag points at, from `git ls-remote --tags` without `--refs`: an annotated tag's own
 * line names the tag object, its peeled `^{}` line the commit, which wins.
 */
export function parseTagCommits(output: string): Map<string, string> {
  const commits = new Map<string, string>();
  for (const line of output.split('\n')) {
    const match = /^([0-9a-f]{40,64})\trefs\/tags\/(.+?)(\^\{\})?$/.exec(line.trimEnd());
    const [, commit, name, peeled] = match ?? [];
    if (!commit || !name || tagNameProblem(name) !== undefined) continue;
    if (peeled || !commits.has(name)) commits.set(name, commit);
  }
  return commits;
}
