import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
// The Cloud Build stand-in's container-like PATH, so both sides run the same tools.
const ENV = { ...process.env, PATH: '/usr/local/bin:/usr/bin:/bin', GIT_TERMINAL_PROMPT: '0' };

// Reads the wheel's METADATA and checks the version, as the plan's verify step does (without its rewrite path).
const VERIFY = String.raw`
import sys, zipfile, email.parser, glob
whl = glob.glob("dist/*.whl")[0]
with zipfile.ZipFile(whl) as z:
    name = next(n for n in z.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
    meta = email.parser.Parser().parsestr(z.read(name).decode())
sys.exit(0 if meta["Version"] == sys.argv[1] else "version mismatch")
`;

/** The floor: the build plan's steps by hand (fetch the tag, build, verify, twine check, twine upload); returns ms in all and per step. */
export async function runFloorRelease(
  upstreamUrl: string,
  tag: string,
  version: string,
  registryUrl: string,
): Promise<{ total: number; steps: Record<string, number> }> {
  const work = await mkdtemp(join(tmpdir(), 'pkgrelay-floor-'));
  const inWork = { cwd: work, env: ENV };
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
    await run(
      PYTHON,
      ['-m', 'build', '--no-isolation', '--skip-dependency-check', '--outdir', 'dist', 'src'],
      inWork,
    );
    lap('build');
    await run(PYTHON, ['-c', VERIFY, version], inWork);
    lap('verify');
    const files = (await readdir(join(work, 'dist'))).map((name) => join('dist', name));
    await run(PYTHON, ['-m', 'twine', 'check', '--strict', ...files], inWork);
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
      { ...inWork, env: { ...ENV, TWINE_USERNAME: 'pkgrelay', TWINE_PASSWORD: 'pkgrelay' } },
    );
    lap('upload');
    return { total: performance.now() - started, steps };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
