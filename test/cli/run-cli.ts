import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { findPackageRoot } from '../../local/stack/find-package-root.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

const MAIN = join(findPackageRoot(), 'lib/cli/main.js');

/** Runs the compiled `pkgrelay` (lib/cli/main.js) as a child process, as a script would. */
export function runCli(
  args: readonly string[],
  { timeoutMs = 120_000, env = {} as Record<string, string> } = {},
): Promise<CliRun> {
  const start = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      {
        timeout: timeoutMs,
        env: { ...process.env, METADATA_SERVER_DETECTION: 'none', ...env },
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr), ms: Date.now() - start });
      },
    );
  });
}
