import { execFile } from 'node:child_process';

/** Runs `git ls-remote` with `args` (always `--tags` first) before the URL; never waits for a password prompt. */
export function runLsRemote(
  git: string,
  args: readonly string[],
  url: string,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      git,
      ['ls-remote', ...args, url],
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
