import { execFile } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SYSTEM_PYTHON } from '../../local/python/install-from-index.js';
import { installPinnedTools, SHARED_PIP_CACHE } from '../../local/python/install-pinned-tools.js';

const run = promisify(execFile);

export interface ByHandBuilder {
  /** Clones `tag` of the bare repository and runs `python -m build` (isolated) on its project folder; returns the files made. */
  build(bare: string, tag: string, subdirectory: string): Promise<{ dir: string; files: string[] }>;
}

/**
 * A developer's by-hand build with the pipeline's tool versions: Debian's python with the build steps'
 * pinned tools, then `python -m build --outdir X` in an isolated environment per project, sharing the
 * stack's pip cache so each backend downloads once. Builds run one at a time so they do not starve the
 * stack's builds on a small machine.
 */
export async function createByHandBuilder(
  workDir: string,
  pipCacheDir = SHARED_PIP_CACHE,
): Promise<ByHandBuilder> {
  const env = await installPinnedTools(join(workDir, 'tools'), pipCacheDir);
  const buildOne = async (bare: string, tag: string, subdirectory: string) => {
    const checkout = await mkdtemp(join(workDir, 'src-'));
    await run('git', ['clone', '--quiet', '--branch', tag, bare, checkout], { env });
    const dir = `${checkout}-dist`;
    try {
      await run(SYSTEM_PYTHON, ['-m', 'build', '--outdir', dir, join(checkout, subdirectory)], {
        env,
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      const tail = (stdout + stderr).trim().split('\n').slice(-20).join('\n');
      throw new Error(`by-hand build of ${tag} failed:\n${tail}`, { cause: error });
    }
    return { dir, files: (await readdir(dir)).sort() };
  };
  let queue: Promise<unknown> = Promise.resolve();
  return {
    build(bare, tag, subdirectory) {
      const result = queue.then(() => buildOne(bare, tag, subdirectory));
      queue = result.catch(() => {});
      return result;
    },
  };
}
