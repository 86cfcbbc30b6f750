import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { bakeBuilderImage } from '../local/python/bake-builder-image.js';
import { toolEnvironment } from '../local/python/install-pinned-tools.js';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';

/**
 * The floor: what a person does by hand for one tag, isolated with the build plan's pinned tools, already
 * installed as they are in the builder image the pipeline's steps run on: fetch the tag, `python -m build
 * --installer uv` (PEP 517 isolation), twine check, twine upload. Returns ms in all and per step; `cacheDir`
 * holds the pip and uv caches (and the image) the stack's builds share.
 */
export async function runFloorRelease(
  upstreamUrl: string,
  tag: string,
  registryUrl: string,
  cacheDir: string,
): Promise<{ total: number; steps: Record<string, number> }> {
  const work = await mkdtemp(join(tmpdir(), 'pkgrelay-floor-'));
  const inWork = {
    cwd: work,
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: work, GIT_TERMINAL_PROMPT: '0' },
  };
  const started = performance.now();
  const steps: Record<string, number> = {};
  let mark = started;
  const lap = (step: string): void => {
    const now = performance.now();
    steps[step] = Math.round(now - mark);
    mark = now;
  };
  try {
    const ref = `refs/tags/${tag}`;
    await run('git', ['init', '-q', 'src'], inWork);
    await run('git', ['-C', 'src', 'remote', 'add', 'origin', upstreamUrl], inWork);
    await run(
      'git',
      ['-C', 'src', 'fetch', '-q', '--depth', '1', '--no-tags', 'origin', `${ref}:${ref}`],
      inWork,
    );
    await run('git', ['-C', 'src', '-c', 'advice.detachedHead=false', 'checkout', '-q', ref], inWork);
    lap('fetch');
    const { tools } = await bakeBuilderImage(cacheDir);
    const env = {
      ...toolEnvironment({ bin: tools.bin, home: work, cacheDir }),
      PYTHONPATH: tools.site,
    };
    const withTools = { cwd: work, env };
    await run(PYTHON, ['-m', 'build', '--installer', 'uv', '--outdir', 'dist', 'src'], withTools);
    lap('build');
    const files = (await readdir(join(work, 'dist'))).map((name) => join('dist', name));
    await run(PYTHON, ['-m', 'twine', 'check', ...files], withTools);
    lap('check');
    await run(
      PYTHON,
      [
        '-m',
        'twine',
        'upload',
        '--non-interactive',
        '--disable-progress-bar',
        '--repository-url',
        registryUrl,
        ...files,
      ],
      { ...withTools, env: { ...env, TWINE_USERNAME: 'pkgrelay', TWINE_PASSWORD: 'pkgrelay' } },
    );
    lap('upload');
    return { total: performance.now() - started, steps };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
