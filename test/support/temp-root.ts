import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * vitest global setup: every temporary folder of a run (the tests' own, the stacks', pip's and the builds') under
 * one root, removed when the run ends, so runs do not fill the disk (a stack's folders hold whole builds).
 */
export default async function setup(): Promise<() => Promise<void>> {
  const root = await mkdtemp(join(tmpdir(), 'pkgrelay-test-run-'));
  process.env['TMPDIR'] = root;
  return async () => {
    await rm(root, { recursive: true, force: true });
  };
}
