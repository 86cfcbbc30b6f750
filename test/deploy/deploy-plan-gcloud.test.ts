import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeployPlan } from '../../deploy/create-deploy-plan.js';
import { FUNCTION_DEPLOYMENTS } from '../../deploy/function-deployments.js';
import type { DeployOptions } from '../../deploy/name-resources.js';
import type { Command } from '../../deploy/plan-types.js';
import { fillPlaceholders } from '../../deploy/quote-shell-arg.js';
import { commandsOf } from '../../deploy/read-role-bindings.js';
import { writeBuilderImageContext } from '../../deploy/write-builder-image-context.js';
import { writeStagingLifecycle } from '../../deploy/staging-lifecycle.js';
import { deployOptions, P, R } from './plan-fixtures.js';

const rootDir = join(import.meta.dirname, '..', '..');

// What a real deploy captures on its way, in the shapes Google's APIs give them.
const captured = new Map([
  ['PROJECT_NUMBER', '123456789012'],
  ['DEPLOYER', 'user:ada@example.com'],
  ['WEBHOOK_URL', 'https://pkgrelay-webhook-abc123-ew.a.run.app'],
  ['RECONCILE_URL', 'https://pkgrelay-reconcile-abc123-ew.a.run.app'],
  ...['WORKER', 'BUILD_EVENTS', 'DEAD_LETTER', 'NOTIFIER'].flatMap((prefix): [string, string][] => [
    [`${prefix}_TRIGGER`, `projects/${P}/locations/${R}/triggers/pkgrelay-${prefix.toLowerCase()}-420938`],
    [
      `${prefix}_SUBSCRIPTION`,
      `projects/${P}/subscriptions/eventarc-${R}-pkgrelay-${prefix.toLowerCase()}-420938-sub-1`,
    ],
  ]),
]);

// Commands that only read gcloud's own configuration: they succeed without an account.
const LOCAL = new Set(['config get-value account']);

interface Outcome {
  argv: string;
  code: number | null;
  stderr: string;
}

// Each command a process of its own, forked from one that has loaded gcloud: its ~1 s start is paid once.
const RUN_FORKED = join(import.meta.dirname, 'run_gcloud_forked.py');

// gcloud with an empty configuration (no account, no credentials), no prompts, and, where it can be had, no network.
async function runGcloud(
  commands: Array<{ args: string[]; stdin: string }>,
  config: string,
  isolate: boolean,
): Promise<Outcome[]> {
  // Where gcloud is and the Python it runs on, as its own launcher finds them.
  const [sdkRoot = '', python = ''] = execFileSync(
    'gcloud',
    ['info', '--format=value(installation.sdk_root,basic.python_location)'],
    { encoding: 'utf8', env: { ...process.env, CLOUDSDK_CONFIG: config } },
  )
    .trim()
    .split('\t');
  // As the launcher runs it: no site-packages, UTF-8; two lanes, for two cores shared with other tests.
  const argv = [python, '-S', RUN_FORKED, sdkRoot, '2'];
  const [program = '', ...args] = isolate ? ['unshare', '--net', ...argv] : argv;
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      env: {
        ...process.env,
        CLOUDSDK_CONFIG: config,
        CLOUDSDK_ROOT_DIR: sdkRoot,
        CLOUDSDK_PYTHON: python,
        CLOUDSDK_ENCODING: 'UTF-8',
        PYTHONIOENCODING: 'UTF-8',
        CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
        CLOUDSDK_CORE_CHECK_GCE_METADATA: 'false',
        CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: 'true',
        CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: 'true',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      const outcomes: Outcome[] = [];
      for (const line of stdout.split('\n').filter(Boolean)) {
        const { index, code, stderr } = JSON.parse(line) as { index: number; code: number; stderr: string };
        outcomes[index] = { argv: commands[index]?.args.join(' ') ?? '', code, stderr };
      }
      if (code !== 0 || outcomes.filter(Boolean).length !== commands.length)
        reject(new Error(`run_gcloud_forked.py exited ${code}: ${stderr.trim()}`));
      else resolve(outcomes);
    });
    child.stdin.end(commands.map((command) => JSON.stringify(command) + '\n').join(''));
  });
}

// A command line is its words: the same line in both plans runs once.
function keyOf(args: readonly string[]): string {
  return args.join(' ');
}

// A flag no gcloud command has: the run that carries it must stop at parsing (exit 2), or nothing here can fail.
const CONTROL_FLAG = '--pkgrelay-no-such-flag';

// Every distinct command line of both plans, and a control that must fail to parse.
async function runAll(
  commands: Command[],
  config: string,
  isolate: boolean,
): Promise<{ outcomes: Map<string, Outcome>; control: Outcome | undefined }> {
  const distinct = new Map<string, Command>();
  for (const command of commands) {
    const args = command.args.map((arg) => fillPlaceholders(arg, captured));
    if (!distinct.has(keyOf(args))) distinct.set(keyOf(args), { ...command, args });
  }
  const queue = [...distinct.values()];
  const runs = queue.map((command) => ({
    args: command.args,
    stdin: command.stdin ? 'not-a-real-secret' : '',
  }));
  const last = runs.at(-1);
  const outcomes = await runGcloud(
    [...runs, ...(last ? [{ ...last, args: [...last.args, CONTROL_FLAG] }] : [])],
    config,
    isolate,
  );
  return {
    outcomes: new Map(queue.map((command, index) => [keyOf(command.args), outcomes[index] as Outcome])),
    control: outcomes[queue.length],
  };
}

describe('every command of the deploy plan, through the installed gcloud', () => {
  const folder = mkdtempSync(join(tmpdir(), 'pkgrelay-gcloud-'));
  const bundleDir = join(folder, 'bundle');
  const isolate = spawnSync('unshare', ['--net', 'true']).status === 0;
  const configurations: Record<string, Partial<DeployOptions>> = {
    'a private repository, public status': {
      privateRepositories: [{ repository: 'acme/secret-sauce', tokenSecret: 'acme-token' }],
      publicStatus: true,
    },
    '--no-public-status, --no-invoker-iam-check, --min-instances 1, two Pythons': {
      privateRepositories: [],
      publicStatus: false,
      invokerIamCheck: false,
      minInstances: 1,
      pythonVersions: ['3.11', '3.12'],
    },
  };

  beforeAll(async () => {
    // The sources gcloud would upload exist, so nothing stops at a missing folder before authentication.
    for (const fn of FUNCTION_DEPLOYMENTS) mkdirSync(join(bundleDir, fn.folder), { recursive: true });
    await writeBuilderImageContext(rootDir, bundleDir);
    await writeStagingLifecycle(bundleDir);
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('parse, and stop only at authentication, in both configurations', async () => {
    const plans = Object.entries(configurations).map(([name, overrides]) => ({
      name,
      commands: commandsOf(createDeployPlan(deployOptions({ ...overrides, bundleDir }))),
    }));
    const { outcomes, control } = await runAll(
      plans.flatMap((plan) => plan.commands),
      mkdtempSync(join(folder, 'gcloud-config-')),
      isolate,
    );
    for (const plan of plans) {
      expect(plan.commands.length, plan.name).toBeGreaterThan(80);
      const unexpected = plan.commands.flatMap((command) => {
        const args = command.args.map((arg) => fillPlaceholders(arg, captured));
        const argv = args.join(' ');
        const outcome = outcomes.get(keyOf(args));
        if (!outcome) return [`gcloud ${argv}\n  → never ran`];
        const ok = LOCAL.has(argv.replace(/ --project=.*$/, ''))
          ? outcome.code === 0
          : // Exit 2 is gcloud's argument-parsing failure; an authentication stop is exit 1 with this sentence.
            outcome.code === 1 && /You do not currently have an active account selected/.test(outcome.stderr);
        return ok
          ? []
          : [`gcloud ${argv}\n  → exit ${outcome.code}: ${outcome.stderr.trim().split('\n')[0]}`];
      });
      expect(unexpected, plan.name).toEqual([]);
    }
    // The same runner tells a parsing failure apart: an unknown flag is exit 2, named by gcloud.
    expect(control?.code, control?.stderr).toBe(2);
    expect(control?.stderr).toContain(`unrecognized arguments: ${CONTROL_FLAG}`);
  }, 300_000);
});
