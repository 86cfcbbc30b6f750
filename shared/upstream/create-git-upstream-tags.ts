import { execFile } from 'node:child_process';
import { RepositoryName } from '../contracts/repository-name.js';
import { gitTokenEnv, redactToken } from './git-token-env.js';
import { parseTagRefs } from './parse-tag-refs.js';
import { upstreamUrl } from './upstream-url.js';
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
    list: async (repository, { token } = {}) => {
      // The name becomes part of a URL handed to git: only GitHub's own spelling gets that far.
      if (!RepositoryName.safeParse(repository).success)
        throw new Error(`"${repository}" is not an owner/name repository`);
      const url = upstreamUrl(upstreamBase, repository);
      if (url.startsWith('-')) throw new Error(`the upstream URL ${url} is not a URL`);
      return parseTagRefs(await lsRemote(git, url, timeoutMs, token));
    },
  };
}

function lsRemote(git: string, url: string, timeoutMs: number, token: string | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      git,
      ['ls-remote', '--tags', '--refs', url],
      {
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
        // Never wait for a password prompt: a private or missing repository must fail at once.
        env: {
          ...withoutGitConfig(process.env),
          GIT_TERMINAL_PROMPT: '0',
          GIT_ASKPASS: 'true',
          LC_ALL: 'C',
          ...(token ? gitTokenEnv(token) : {}),
        },
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const detail = String(stderr).trim().split('\n').slice(-2).join(' ') || error.message;
        const timedOut = error.killed ? ` (no answer within ${timeoutMs / 1000} s)` : '';
        // The cause keeps the child's full environment: it stays out of the error that travels on.
        reject(new Error(redactToken(`git ls-remote --tags ${url} failed${timedOut}: ${detail}`, token)));
      },
    );
  });
}

// A GIT_CONFIG_COUNT of the host's would be overridden half-way; none of it belongs in a poll.
function withoutGitConfig(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('GIT_CONFIG')));
}
