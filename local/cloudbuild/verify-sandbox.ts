import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BwrapPath, placeStep, type SandboxKind } from './place-step-in-sandbox.js';
import { runBuildStep } from './run-build-step.js';
import type { Result } from '../../shared/contracts/result.js';

export type SandboxCheck = Result<undefined>;

const Advice = "; or set its sandbox option to 'none' to run steps as plain host processes";

/** Runs `true` the way every step will run, so a missing or refused sandbox fails at start, not at a build. */
export async function verifySandbox(kind: SandboxKind): Promise<SandboxCheck> {
  if (kind === 'none') return { success: true, data: undefined };
  const prefix = 'The Cloud Build stand-in runs each step in a bubblewrap sandbox, but';
  if (!existsSync(BwrapPath)) {
    return {
      success: false,
      error: `${prefix} ${BwrapPath} does not exist: install it with \`apt-get install bubblewrap\`${Advice}`,
    };
  }
  const root = await mkdtemp(join(tmpdir(), 'pkgrelay-sandbox-check-'));
  try {
    const launch = placeStep(
      kind,
      { program: 'true', args: [], cwd: root, path: '/usr/bin:/bin' },
      { workspace: root, home: root, output: root },
    );
    if (!launch.success) return { success: false, error: `${prefix} ${launch.error}${Advice}` };
    const lines: string[] = [];
    const outcome = await runBuildStep({
      ...launch.data,
      env: { PATH: '/usr/bin:/bin' },
      signal: AbortSignal.timeout(20_000),
      onLine: (line) => void lines.push(line),
    });
    if (outcome.kind === 'exited' && outcome.code === 0) return { success: true, data: undefined };
    const said = lines.join(' ').trim() || JSON.stringify(outcome);
    return { success: false, error: `${prefix} ${BwrapPath} could not start a sandbox: ${said}${Advice}` };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
