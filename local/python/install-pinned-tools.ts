import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SYSTEM_PYTHON } from './install-from-index.js';

const run = promisify(execFile);

// The pinned tools of the build steps (build, twine, packaging, auditwheel, uv, …), as Cloud Build installs them.
const TOOL_REQUIREMENTS = fileURLToPath(
  new URL('../../shared/build/python/pkgrelay_steps/tool-requirements.txt', import.meta.url),
);

/** Every pin the steps install: their tools, and what the upload step adds to authenticate to Artifact Registry. */
export const StepRequirements = [
  TOOL_REQUIREMENTS,
  fileURLToPath(
    new URL('../../shared/build/python/pkgrelay_steps/upload-auth-requirements.txt', import.meta.url),
  ),
] as const;

/** The caches local builds share (`pip/`, `uv/`; the stack's default), so nothing downloads twice. */
export const SHARED_BUILD_CACHE =
  process.env['PKGRELAY_BUILD_CACHE_DIR'] || join(homedir(), '.cache', 'pkgrelay');

/**
 * The environment the pinned tools run in, as the steps' own `install_tools` sets it: `PATH` leads to
 * `bin`, no pip or uv configuration of the host's or of the project's (`UV_NO_CONFIG`), copies rather
 * than hard links out of the shared caches, the system's certificate store.
 */
export function toolEnvironment(where: {
  bin: string;
  home: string;
  cacheDir: string;
}): Record<string, string> {
  return {
    PATH: `${where.bin}:/usr/local/bin:/usr/bin:/bin`,
    HOME: where.home,
    PIP_CONFIG_FILE: '/dev/null',
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    PIP_ROOT_USER_ACTION: 'ignore',
    PIP_CACHE_DIR: join(where.cacheDir, 'pip'),
    UV_CACHE_DIR: join(where.cacheDir, 'uv'),
    UV_NO_CONFIG: '1',
    UV_LINK_MODE: 'copy',
    UV_SYSTEM_CERTS: '1',
  };
}

/**
 * Installs the pinned tools into `target` as the build step does (pip installs uv, uv the rest), and
 * returns the environment that runs them with Debian's python, container-like: `PYTHONPATH` and `PATH`
 * lead to the tools, no pip configuration of the host's, the shared caches. `python -m build
 * --installer uv` in it builds isolated exactly as the build step does.
 */
export async function installPinnedTools(
  target: string,
  cacheDir = SHARED_BUILD_CACHE,
  requirements: readonly string[] = [TOOL_REQUIREMENTS],
): Promise<Record<string, string>> {
  const env = toolEnvironment({ bin: join(target, 'bin'), home: target, cacheDir });
  const uv = /^uv==\S+/m.exec(readFileSync(TOOL_REQUIREMENTS, 'utf8'))?.[0];
  if (!uv) throw new Error(`${TOOL_REQUIREMENTS} pins no uv`);
  const options = { env, timeout: 600_000 };
  await run(
    SYSTEM_PYTHON,
    ['-m', 'pip', 'install', '--quiet', '--no-deps', '--only-binary', ':all:', '--target', target, uv],
    options,
  );
  await run(
    join(target, 'bin', 'uv'),
    [
      'pip',
      'install',
      '--quiet',
      '--no-deps',
      '--python',
      SYSTEM_PYTHON,
      '--target',
      target,
      ...requirements.flatMap((file) => ['-r', file]),
    ],
    options,
  );
  return { ...env, PYTHONPATH: target };
}
