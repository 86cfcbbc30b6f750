import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { substitute } from '../../../local/cloudbuild/apply-substitutions.js';
import type { BuildPlan, StepId } from '../../../shared/build/create-build-plan.js';
import { createPublishPlan } from '../../../shared/build/create-publish-plan.js';
import { normalizeName } from '../../../shared/registry/normalize-name.js';
import { parseDistributionFilename } from '../../../shared/registry/parse-distribution-filename.js';
import { SYSTEM_PYTHON } from '../../../local/python/install-from-index.js';
import { SHARED_BUILD_CACHE } from '../../../local/python/install-pinned-tools.js';

export interface StepRun {
  id: StepId;
  code: number;
  log: string;
  output: unknown;
}

/**
 * Runs the plan's steps in order in `workspace` the way the Cloud Build stand-in does, stopping at `until`
 * or a failure. A build phase that succeeds goes on into its publish phase in the same workspace (what
 * its archive would unpack to, and more: `receive` must clear the rest), allowed the names it built
 * unless `allowedNames` says otherwise.
 */
export async function runPlanSteps(
  plan: BuildPlan,
  workspace: string,
  options: { until?: StepId; secrets?: Record<string, string>; allowedNames?: readonly string[] } = {},
): Promise<StepRun[]> {
  const runs = await runSteps(plan, workspace, options);
  const last = runs.at(-1);
  if (!plan.artifacts || !last || last.code !== 0 || last.id !== 'pack' || options.until === 'pack')
    return runs;
  const files = (last.output as { files?: string[] } | undefined)?.files ?? [];
  const configured = plan.substitutions['_PKGRELAY_DISTRIBUTION_NAME'];
  const built = files.flatMap((file) => parseDistributionFilename(file)?.name ?? []).map(normalizeName);
  const publish = createPublishPlan({
    built: plan.substitutions,
    pythonVersion: '3',
    allowedNames: options.allowedNames ?? (configured ? [normalizeName(configured)] : [...new Set(built)]),
    stagingLocation: plan.artifacts.objects.location,
    timeoutSeconds: 600,
  });
  return [...runs, ...(await runSteps(publish, workspace, options))];
}

async function runSteps(
  plan: BuildPlan,
  workspace: string,
  options: { until?: StepId; secrets?: Record<string, string> },
): Promise<StepRun[]> {
  const runs: StepRun[] = [];
  for (const step of plan.steps) {
    const outputDir = join(workspace, '..', `output-${step.id}`);
    await mkdir(outputDir, { recursive: true });
    const env: Record<string, string> = {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: workspace,
      BUILDER_OUTPUT: outputDir,
      // The stand-in's shared caches, outside the workspace (`receive` clears it and this HOME): each backend downloads once.
      PIP_CACHE_DIR: join(SHARED_BUILD_CACHE, 'pip'),
      UV_CACHE_DIR: join(SHARED_BUILD_CACHE, 'uv'),
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
