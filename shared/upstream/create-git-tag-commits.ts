import { checkedUpstreamUrl } from './checked-upstream-url.js';
import { parseTagCommits } from './parse-tag-commits.js';
import { runLsRemote } from './run-ls-remote.js';
import type { UpstreamTagCommits } from './upstream-tag-commits.js';

/** UpstreamTagCommits read with `git ls-remote --tags` (peeled lines kept): no clone, one round trip. */
export function createGitTagCommits({
  upstreamBase,
  timeoutMs = 30_000,
  git = 'git',
}: {
  upstreamBase: string;
  timeoutMs?: number;
  git?: string;
}): UpstreamTagCommits {
  return {
    commits: async (repository) => {
      // The name becomes part of a URL handed to git: only GitHub's own spelling gets that far.
      const url = checkedUpstreamUrl(upstreamBase, repository);
      return parseTagCommits(await runLsRemote(git, ['--tags'], url, timeoutMs));
    },
  };
}
