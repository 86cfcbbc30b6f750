import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { substitute } from '../../../local/cloudbuild/apply-substitutions.js';
import type { BuildPlan, StepId } from '../../../shared/build/create-build-plan.js';
import { SYSTEM_PYTHON } from '../../../local/python/install-from-index.js';

export interface StepRun {
  id: StepId;
  code: number;
  log: string;
  output: unknown;
}

/** Runs the plan's steps in order in `workspace` the way the Cloud Build stand-in does, stopping at `until` or a failure. */
export async function runPlanSteps(
  plan: BuildPlan,
  workspace: string,
  options: { until?: StepId; secrets?: Record<string, string> } = {},
): Promise<StepRun[]> {
  const runs: StepRun[] = [];
  for (const step of plan.steps) {
    const outputDir = join(workspace, '..', `output-${step.id}`);
    await mkdir(outputDir, { recursive: true });
    const env: Record<string, string> = {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: workspace,
      BUILDER_OUTPUT: outputDir,
    };
    for (const entry of step.env.map((e) => substitute(e, plan.substitutions))) {
      const at = entry.indexOf('=');
      env[entry.slice(0, at)] = entry.slice(at + 1);
    }
    for (const name of step.secretEnv ?? []) env[name] = options.secrets?.[name] ?? '';
    const args = step.args.map((arg) => substitute(arg, plan.substitutions));
    const { code, log } = await new Promise<{ code: number; log: string }>((resolve, reject) => {
      const child = spawn(SYSTEM_PYTHON, args, { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let log = '';
      child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
      child.on('error', reject);
      child.on('close', (exit) => resolve({ code: exit ?? 1, log }));
    });
    const text = await readFile(join(outputDir, 'output'), 'utf8').catch(() => '');
    runs.push({ id: step.id, code, log, output: text ? (JSON.parse(text) as unknown) : undefined });
    if (code !== 0 || step.id === options.until) break;
  }
  return runs;
}
