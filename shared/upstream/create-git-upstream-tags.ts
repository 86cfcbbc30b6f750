import { checkedUpstreamUrl } from './checked-upstream-url.js';
import { parseTagRefs } from './parse-tag-refs.js';
import { runLsRemote } from './run-ls-remote.js';
import type { UpstreamTags } from './upstream-tags.js';

export interface GitUpstreamTagsOptions {
  /** `https://github.com`, or `file:///…/upstreams` holding `<owner>/<name>.git` on the local stack. */
  upstreamBase: string;
  timeoutMs?: number;
  /** The git executable; tests may point elsewhere. */
  git?: string;
}

/** UpstreamTags read with `git ls-remote --tags`: no clone, one round trip per repository. */
export function createGitUpstreamTags({
  upstreamBase,
  timeoutMs = 30_000,
  git = 'git',
}: GitUpstreamTagsOptions): UpstreamTags {
  return {
    list: async (repository) => {
      // The name becomes part of a URL handed to git: only GitHub's own spelling gets that far.
      const url = checkedUpstreamUrl(upstreamBase, repository);
      return parseTagRefs(await runLsRemote(git, ['--tags', '--refs'], url, timeoutMs));
    },
  };
}
