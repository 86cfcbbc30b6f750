import { execFile } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SYSTEM_PYTHON } from './install-from-index.js';

const run = promisify(execFile);

/** The pinned tools of the build steps (build, twine, packaging, auditwheel, …), as Cloud Build installs them. */
export const TOOL_REQUIREMENTS = fileURLToPath(
  new URL('../../shared/build/python/pkgrelay_steps/tool-requirements.txt', import.meta.url),
);

/** pip's cache that local builds share (the stack's default), so by-hand builds download nothing twice. */
export const SHARED_PIP_CACHE =
  process.env['PKGRELAY_PIP_CACHE_DIR'] || join(homedir(), '.cache', 'pkgrelay', 'pip');

/**
 * Installs the pinned tools into `target` the way the build step does, and returns the environment that
 * runs them with Debian's python (`PYTHONPATH`), container-like: no pip configuration of the host's.
 */
export async function installPinnedTools(
  target: string,
  pipCacheDir = SHARED_PIP_CACHE,
): Promise<Record<string, string>> {
  const env = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: target,
    PIP_CONFIG_FILE: '/dev/null',
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    PIP_ROOT_USER_ACTION: 'ignore',
    PIP_CACHE_DIR: pipCacheDir,
  };
  await run(
    SYSTEM_PYTHON,
    [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--no-deps',
      '--only-binary',
      ':all:',
      '--target',
      target,
      '-r',
      TOOL_REQUIREMENTS,
    ],
    { env, timeout: 600_000 },
  );
  return { ...env, PYTHONPATH: target };
}
