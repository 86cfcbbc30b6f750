import { execFile } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SYSTEM_PYTHON } from '../../local/python/install-from-index.js';

const run = promisify(execFile);

/** pip's environment reading only the index it is given: no configuration files, no find-links. */
export function indexOnlyPipEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('PIP_')));
  return { ...clean, PIP_CONFIG_FILE: '/dev/null', PIP_DISABLE_PIP_VERSION_CHECK: '1' };
}

/** Downloads the one wheel of `requirement` exactly as the index serves it; returns its path. */
export async function downloadWheel(indexUrl: string, requirement: string, into: string): Promise<string> {
  const dest = await mkdtemp(join(into, 'download-'));
  await run(
    SYSTEM_PYTHON,
    [
      '-m',
      'pip',
      'download',
      '--no-deps',
      '--only-binary',
      ':all:',
      '--index-url',
      indexUrl,
      '--dest',
      dest,
      requirement,
    ],
    { env: indexOnlyPipEnv() },
  );
  const wheels = (await readdir(dest)).filter((name) => name.endsWith('.whl'));
  if (wheels.length !== 1)
    throw new Error(`expected one wheel of ${requirement}, pip downloaded ${wheels.join(', ') || 'none'}`);
  return join(dest, wheels[0] ?? '');
}
