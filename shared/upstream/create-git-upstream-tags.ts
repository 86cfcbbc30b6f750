import { execFile } from 'node:child_process';
import { RepositoryName } from '../contracts/repository-name.js';
import { parseTagRefs } from './parse-tag-refs.js';
import type { UpstreamTags } from './upstream-tags.js';
import { upstreamUrl } from './upstream-url.js';

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
      if (!RepositoryName.safeParse(repository).success)
        throw new Error(`"${repository}" is not an owner/name repository`);
      const url = upstreamUrl(upstreamBase, repository);
      if (url.startsWith('-')) throw new Error(`the upstream URL ${url} is not a URL`);
      return parseTagRefs(await lsRemote(git, url, timeoutMs));
    },
  };
}

function lsRemote(git: string, url: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      git,
      ['ls-remote', '--tags', '--refs', url],
      {
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
        // Never wait for a password prompt: a private or missing repository must fail at once.
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'true', LC_ALL: 'C' },
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const detail = String(stderr).trim().split('\n').slice(-2).join(' ') || error.message;
        reject(new Error(`git ls-remote --tags ${url} failed: ${detail}`, { cause: error }));
      },
    );
  });
}
