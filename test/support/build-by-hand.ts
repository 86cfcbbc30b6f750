import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findPackageRoot } from '../../local/stack/find-package-root.js';
import { SYSTEM_PYTHON } from '../../local/python/install-from-index.js';

const run = promisify(execFile);

/** The build steps' pinned tools: the by-hand build installs exactly what Cloud Build and the stand-in do. */
export const TOOL_REQUIREMENTS = join(
  findPackageRoot(),
  'shared',
  'build',
  'python',
  'pkgrelay_steps',
  'tool-requirements.txt',
);

export interface ByHandBuilder {
  /** Clones `tag` of the bare repository and runs `python -m build` (isolated) on its project folder; returns the files made. */
  build(bare: string, tag: string, subdirectory: string): Promise<{ dir: string; files: string[] }>;
}

export interface ByHandOptions {
  workDir: string;
  /** Shared by every build, so each backend downloads once. */
  pipCacheDir: string;
}

/**
 * A developer's by-hand build with the pipeline's tool versions: a venv of Debian's python with the
 * pinned requirements, then `python -m build --outdir X` in an isolated environment per project.
 * Builds run one at a time so they do not starve the stack's builds on a small machine.
 */
export async function createByHandBuilder({ workDir, pipCacheDir }: ByHandOptions): Promise<ByHandBuilder> {
  await mkdir(pipCacheDir, { recursive: true });
  const home = join(workDir, 'home');
  await mkdir(home, { recursive: true });
  const env = byHandEnv(home, pipCacheDir);
  const venv = join(workDir, 'tools');
  await run(SYSTEM_PYTHON, ['-m', 'venv', venv], { env });
  const python = join(venv, 'bin', 'python');
  await run(python, ['-m', 'pip', 'install', '--quiet', '-r', TOOL_REQUIREMENTS], { env });

  let queue: Promise<unknown> = Promise.resolve();
  const buildOne = async (bare: string, tag: string, subdirectory: string) => {
    const checkout = await mkdtemp(join(workDir, 'src-'));
    await run('git', ['clone', '--quiet', '--branch', tag, bare, checkout], { env });
    const dir = join(workDir, `dist-${tag.replaceAll('/', '_')}-${checkout.slice(-6)}`);
    try {
      await run(python, ['-m', 'build', '--outdir', dir, join(checkout, subdirectory)], {
        env,
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      const tail = (stdout + stderr).trim().split('\n').slice(-20).join('\n');
      throw new Error(`by-hand build of ${tag} failed:\n${tail}`, {
        cause: error,
      });
    }
    return { dir, files: (await readdir(dir)).sort() };
  };
  return {
    build(bare, tag, subdirectory) {
      const result = queue.then(() => buildOne(bare, tag, subdirectory));
      queue = result.catch(() => {});
      return result;
    },
  };
}

// The build steps' own PATH (Debian's python and cargo) and a fresh HOME, so no user pip configuration applies.
function byHandEnv(home: string, pipCacheDir: string): Record<string, string> {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    PIP_CACHE_DIR: pipCacheDir,
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
  };
}
