import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SYSTEM_PYTHON } from '../../local/python/install-from-index.js';
import { installPinnedTools, SHARED_BUILD_CACHE } from '../../local/python/install-pinned-tools.js';

const run = promisify(execFile);

export interface ByHandBuilder {
  /** Clones `tag` of the bare repository and runs `python -m build` (isolated) on its project folder; returns the files made. */
  build(bare: string, tag: string, subdirectory: string): Promise<{ dir: string; files: string[] }>;
}

/**
 * A developer's by-hand build with the pipeline's tool versions: Debian's python with the build steps'
 * pinned tools, then `python -m build --installer uv --outdir X` in an isolated environment per project,
 * as the build step runs it, sharing the stack's caches so each backend downloads once. At most `concurrency` builds run at once (as many
 * as the stack's build slots), so they share a small machine with the stack's builds.
 */
export async function createByHandBuilder(
  workDir: string,
  { cacheDir = SHARED_BUILD_CACHE, concurrency = 2 }: { cacheDir?: string; concurrency?: number } = {},
): Promise<ByHandBuilder> {
  const env = await installPinnedTools(join(workDir, 'tools'), cacheDir);
  const buildOne = async (bare: string, tag: string, subdirectory: string) => {
    const checkout = await mkdtemp(join(workDir, 'src-'));
    await run('git', ['clone', '--quiet', '--branch', tag, bare, checkout], { env });
    const dir = `${checkout}-dist`;
    try {
      await run(
        SYSTEM_PYTHON,
        ['-m', 'build', '--installer', 'uv', '--outdir', dir, join(checkout, subdirectory)],
        {
          env: { ...env, ...(await legacyConstraints(join(checkout, subdirectory))) },
          maxBuffer: 16 * 1024 * 1024,
        },
      );
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      const tail = (stdout + stderr).trim().split('\n').slice(-20).join('\n');
      throw new Error(`by-hand build of ${tag} failed:\n${tail}`, { cause: error });
    }
    return { dir, files: (await readdir(dir)).sort() };
  };
  // A few lanes, each running its builds in turn: builds beyond them wait instead of crowding the cores.
  const lanes: Promise<unknown>[] = Array.from({ length: concurrency }, () => Promise.resolve());
  let next = 0;
  return {
    build(bare, tag, subdirectory) {
      const lane = next++ % lanes.length;
      const result = (lanes[lane] ?? Promise.resolve()).then(() => buildOne(bare, tag, subdirectory));
      lanes[lane] = result.catch(() => {});
      return result;
    },
  };
}

// The pipeline's rule for a project with no build-system table (the build step's legacy-constraints.txt).
const LEGACY_CONSTRAINTS = fileURLToPath(
  new URL('../../shared/build/python/pkgrelay_steps/legacy-constraints.txt', import.meta.url),
);

async function legacyConstraints(project: string): Promise<Record<string, string>> {
  const pyproject = await readFile(join(project, 'pyproject.toml'), 'utf8').catch(() => '');
  // Enough for the fixtures: a [build-system] table with a requires key before the next table.
  if (/^\[build-system\][^[]*^requires\s*=/ms.test(pyproject)) return {};
  return { UV_CONSTRAINT: LEGACY_CONSTRAINTS };
}
