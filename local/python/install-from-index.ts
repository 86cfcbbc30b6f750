import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

// Debian's Python has venv and pip; the pyenv python3 first on PATH may not be the one the stack builds with.
export const SYSTEM_PYTHON = '/usr/bin/python3';

export interface InstallOptions {
  /**
   * A venv without its own pip, installed into by Debian's pip (`pip --python`): ensurepip costs about
   * 4 s of CPU per venv, which a corpus of installs on two cores pays many times. `python -m pip` then
   * does not work inside the venv.
   */
  withoutPip?: boolean;
}

/**
 * Creates a fresh virtual environment, `pip install`s the requirement from the index alone
 * (no PyPI), and returns the venv's python so the caller can import the module.
 */
export async function installFromIndex(
  indexUrl: string,
  requirement: string,
  { withoutPip = false }: InstallOptions = {},
): Promise<{ python: string; output: string }> {
  const venv = await mkdtemp(join(tmpdir(), 'pkgrelay-venv-'));
  await run(SYSTEM_PYTHON, ['-m', 'venv', ...(withoutPip ? ['--without-pip'] : []), venv]);
  const python = join(venv, 'bin', 'python');
  const { stdout, stderr } = await run(
    withoutPip ? SYSTEM_PYTHON : python,
    [
      '-m',
      'pip',
      ...(withoutPip ? ['--python', python] : []),
      'install',
      '--no-cache-dir',
      '--disable-pip-version-check',
      '--index-url',
      indexUrl,
      requirement,
    ],
    { timeout: 120_000 },
  );
  return { python, output: stdout + stderr };
}

/** Runs Python code in the given interpreter and returns what it printed. */
export async function runPython(python: string, code: string): Promise<string> {
  const { stdout } = await run(python, ['-c', code]);
  return stdout.trim();
}
