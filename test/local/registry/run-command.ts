import { execFile } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together with whitespace runs collapsed, since rich wraps twine's lines at 80 columns. */
  output: string;
}

/** A container-like environment: Debian's python tools, no colours, no prompts. */
export function toolEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    TERM: 'dumb',
    PYTHON_KEYRING_BACKEND: 'keyring.backends.null.Keyring',
    PIP_NO_INPUT: '1',
  };
}

/** Runs a program with arguments as an array (no shell) and resolves with its exit code and output, even on failure. */
export function runCommand(
  file: string,
  args: string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        cwd: options.cwd,
        env: options.env,
        timeout: options.timeoutMs ?? 90_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr, output: `${stdout}\n${stderr}`.replace(/\s+/g, ' ') });
      },
    );
  });
}
