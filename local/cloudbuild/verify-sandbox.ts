import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BwrapPath, placeStep, type SandboxKind } from './place-step-in-sandbox.js';

const run = promisify(execFile);

export type SandboxCheck = { success: true } | { success: false; error: string };

/** Runs `true` the way every step will run, so a missing or refused sandbox fails at start, not at a build. */
export async function verifySandbox(kind: SandboxKind): Promise<SandboxCheck> {
  if (kind === 'none') return { success: true };
  const root = await mkdtemp(join(tmpdir(), 'pkgrelay-sandbox-check-'));
  try {
    const launch = placeStep(
      kind,
      { program: 'true', args: [], cwd: root, path: '/usr/bin:/bin' },
      { workspace: root, home: root, output: root },
    );
    if (!launch.success) return { success: false, error: launch.error };
    await run(launch.data.program, launch.data.args, { cwd: root, timeout: 20_000 });
    return { success: true };
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? `${BwrapPath} does not exist: install it with \`apt-get install bubblewrap\``
        : `${BwrapPath} could not start a sandbox: ${String((error as { stderr?: unknown }).stderr || error).trim()}`;
    return {
      success: false,
      error: `The Cloud Build stand-in runs each step in a bubblewrap sandbox, but ${reason}; or set its sandbox option to 'none' to run steps as plain host processes`,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
