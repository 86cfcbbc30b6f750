import { deployOptions, flagValue, indexOfCommand, P, R } from './plan-fixtures.js';
import { describe, expect, it } from 'vitest';
import { createDeployPlan } from '../../deploy/create-deploy-plan.js';
import { estimateIdleCost } from '../../deploy/estimate-idle-cost.js';
import { FUNCTION_DEPLOYMENTS } from '../../deploy/function-deployments.js';
import type { Command, DeployPlan, DeployStep } from '../../deploy/plan-types.js';
import { IAM_RETRY, TRIGGER_RETRY } from '../../deploy/propagation-retries.js';
import { commandsOf, readRoleBindings } from '../../deploy/read-role-bindings.js';

const functionBuilds = `pkgrelay-function-builds@${P}.iam.gserviceaccount.com`;

const options = deployOptions;

const deploySteps = (plan: DeployPlan): Extract<DeployStep, { kind: 'run' }>[] =>
  plan.steps.flatMap((step) =>
    step.kind === 'run' && step.command.args.slice(0, 2).join(' ') === 'functions deploy' ? [step] : [],
  );
const deployOf = (plan: DeployPlan, name: string): Command => {
  const found = deploySteps(plan).find((step) => step.command.args[2] === name);
  if (!found) throw new Error(`no deploy of ${name}`);
  return found.command;
};

describe('the function-build service account', () => {
  const plan = createDeployPlan(options());

  it('builds every function, passed with --build-service-account and its own Docker repository', () => {
    expect(deploySteps(plan)).toHaveLength(FUNCTION_DEPLOYMENTS.length);
    for (const { command } of deploySteps(plan)) {
      expect(flagValue(command, '--build-service-account')).toBe(
        `projects/${P}/serviceAccounts/${functionBuilds}`,
      );
      expect(flagValue(command, '--docker-repository')).toBe(
        `projects/${P}/locations/${R}/repositories/pkgrelay-images`,
      );
    }
  });

  it("has only the build's rights, each as narrow as the resource allows", () => {
    const own = readRoleBindings(plan)
      .filter((binding) => binding.member === `serviceAccount:${functionBuilds}`)
      .map((binding) => `${binding.role} on ${binding.resource.kind} ${binding.resource.name}`)
      .sort();
    expect(own).toEqual([
      `roles/artifactregistry.writer on repository pkgrelay-images`,
      `roles/logging.logWriter on project ${P}`,
      `roles/storage.objectAdmin on project ${P}`,
      `roles/storage.objectViewer on project ${P}`,
    ]);
    // The project-level storage grants carry conditions naming the source buckets, and nothing else.
    const conditions = commandsOf(plan)
      .filter((command) => command.args.includes(`--member=serviceAccount:${functionBuilds}`))
      .flatMap((command) => (flagValue(command, '--condition') ?? '').split(',title=')[0] ?? []);
    expect(conditions.filter((condition) => condition && condition !== 'None').sort()).toEqual([
      `expression=resource.name.startsWith("projects/_/buckets/${P}_cloudbuild/")`,
      `expression=resource.name.startsWith("projects/_/buckets/gcf-v2-sources-{{PROJECT_NUMBER}}-${R}/")`,
    ]);
  });

  it('may be acted as by the deploying principal alone, granted before the first function deploy', () => {
    const actAs = readRoleBindings(plan).filter(
      (binding) =>
        binding.role === 'roles/iam.serviceAccountUser' && binding.resource.name === functionBuilds,
    );
    expect(actAs.map((binding) => binding.member)).toEqual(['{{DEPLOYER}}']);
    const captured = plan.steps.findIndex((step) => step.kind === 'capture' && step.variable === 'DEPLOYER');
    const granted = indexOfCommand(
      plan,
      (args) =>
        args.includes('--member={{DEPLOYER}}') && args.includes('--role=roles/iam.serviceAccountUser'),
    );
    const firstDeploy = indexOfCommand(plan, (args) => args[1] === 'deploy');
    expect(captured).toBeGreaterThanOrEqual(0);
    expect(plan.steps[captured]).toMatchObject({ as: 'principal' });
    expect(captured).toBeLessThan(granted);
    expect(granted).toBeLessThan(firstDeploy);
  });
});

describe('the size of each function', () => {
  it('gives the webhook a whole vCPU and 512 MiB, the others what their work needs', () => {
    const plan = createDeployPlan(options());
    const sizes = Object.fromEntries(
      deploySteps(plan).map(({ command }) => [
        command.args[2],
        `${flagValue(command, '--memory')} ${flagValue(command, '--cpu')}`,
      ]),
    );
    expect(sizes).toEqual({
      'pkgrelay-webhook': '512Mi 1',
      'pkgrelay-worker': '512Mi 0.333',
      'pkgrelay-build-events': '256Mi 0.167',
      'pkgrelay-dead-letter': '256Mi 0.167',
      'pkgrelay-reconcile': '512Mi 0.333',
      'pkgrelay-notifier': '256Mi 0.167',
    });
  });

  it('keeps webhook instances warm only when asked, and says what they cost', () => {
    const cold = createDeployPlan(options());
    expect(flagValue(deployOf(cold, 'pkgrelay-webhook'), '--min-instances')).toBe('0');
    expect(cold.steps.some((step) => step.kind === 'say' && /warm/.test(step.text))).toBe(false);
    const warm = createDeployPlan(options({ minInstances: 2 }));
    expect(flagValue(deployOf(warm, 'pkgrelay-webhook'), '--min-instances')).toBe('2');
    for (const name of ['pkgrelay-worker', 'pkgrelay-reconcile'])
      expect(flagValue(deployOf(warm, name), '--min-instances')).toBeUndefined();
    const said = warm.steps.find((step) => step.kind === 'say' && /warm/.test(step.text));
    expect(said && 'text' in said ? said.text : '').toContain('$19.44 a month');
  });

  it('prices an idle instance from Cloud Run’s published idle rates', () => {
    // 1 vCPU + 0.5 GiB, at $0.0000025 per vCPU-second and per GiB-second, for 30 days.
    expect(estimateIdleCost({ cpu: 1, memory: '512Mi' }, 1)).toBeCloseTo(9.72, 2);
    expect(estimateIdleCost({ cpu: 0.167, memory: '256Mi' }, 1)).toBeCloseTo(2.7, 1);
  });
});

describe('an organisation that refuses allUsers', () => {
  const plan = createDeployPlan(options({ invokerIamCheck: false }));

  it('serves the webhook with the invoker check off for that service only, and binds nothing to allUsers there', () => {
    const webhook = deployOf(plan, 'pkgrelay-webhook');
    expect(webhook.args).toContain('--no-allow-unauthenticated');
    expect(webhook.args).not.toContain('--allow-unauthenticated');
    expect(
      readRoleBindings(plan).filter(
        (binding) => binding.resource.kind === 'runService' && binding.member === 'allUsers',
      ),
    ).toEqual([]);
    const off = plan.steps.filter(
      (step) => step.kind === 'run' && step.command.args.includes('--no-invoker-iam-check'),
    );
    expect(off.map((step) => ('command' in step ? step.command.args.slice(0, 4) : []))).toEqual([
      ['run', 'services', 'update', 'pkgrelay-webhook'],
    ]);
    expect(indexOfCommand(plan, (args) => args.includes('--no-invoker-iam-check'))).toBeGreaterThan(
      indexOfCommand(plan, (args) => args[1] === 'deploy' && args[2] === 'pkgrelay-webhook'),
    );
  });

  it('keeps the other services behind their IAM check', () => {
    for (const name of [
      'pkgrelay-worker',
      'pkgrelay-build-events',
      'pkgrelay-dead-letter',
      'pkgrelay-reconcile',
    ])
      expect(deployOf(plan, name).args).toContain('--no-allow-unauthenticated');
  });
});

describe('the steps that can fail while rights propagate', () => {
  const plan = createDeployPlan(options());

  it("retry each Pub/Sub-triggered deploy on Eventarc's propagation error, and no HTTP one", () => {
    for (const step of deploySteps(plan)) {
      const topic = step.command.args.some((arg) => arg.startsWith('--trigger-topic='));
      expect(step.retry, step.command.args[2]).toBe(topic ? TRIGGER_RETRY : undefined);
    }
  });

  it('retry every role binding while a new service account propagates', () => {
    for (const step of plan.steps)
      if (step.kind === 'run' && step.command.args.includes('add-iam-policy-binding'))
        expect(step.retry).toBe(IAM_RETRY);
  });
});

describe('the builder image', () => {
  it('is built once per Python version, behind a describe of its digest-tagged name', () => {
    const plan = createDeployPlan(options({ pythonVersions: ['3.11', '3.12'] }));
    const images = plan.steps.flatMap((step) =>
      step.kind === 'ensure' && step.describe.args.slice(0, 3).join(' ') === 'artifacts docker images'
        ? [step]
        : [],
    );
    expect(images.map((step) => step.describe.args[4])).toEqual([
      `${R}-docker.pkg.dev/${P}/pkgrelay-images/builder:py3.11-abc123def456`,
      `${R}-docker.pkg.dev/${P}/pkgrelay-images/builder:py3.12-abc123def456`,
    ]);
    const submit = images[0]?.create[0];
    expect(submit?.args.slice(0, 3)).toEqual(['builds', 'submit', '/srv/pkgrelay/lib/bundle/builder-image']);
    expect(flagValue(submit!, '--service-account')).toBe(`projects/${P}/serviceAccounts/${functionBuilds}`);
    expect(flagValue(submit!, '--substitutions')).toBe(
      `_PYTHON_VERSION=3.11,_IMAGE=${R}-docker.pkg.dev/${P}/pkgrelay-images/builder:py3.11-abc123def456`,
    );
    // Built before the worker exists, whose builds run on it.
    expect(indexOfCommand(plan, (args) => args[1] === 'submit')).toBeLessThan(
      indexOfCommand(plan, (args) => args[1] === 'deploy' && args[2] === 'pkgrelay-worker'),
    );
  });

  it('is named to every function by the environment, with the Python version left to fill', () => {
    const worker = deployOf(createDeployPlan(options()), 'pkgrelay-worker');
    const env = Object.fromEntries(
      (flagValue(worker, '--set-env-vars') ?? '').split(',').map((pair) => pair.split('=', 2)),
    );
    expect(env.PKGRELAY_BUILDER_IMAGE).toBe(
      `${R}-docker.pkg.dev/${P}/pkgrelay-images/builder:py{python}-abc123def456`,
    );
  });

  it('may be pulled by the job builds', () => {
    expect(
      readRoleBindings(createDeployPlan(options())).filter(
        (binding) => binding.resource.name === 'pkgrelay-images',
      ),
    ).toContainEqual({
      resource: { kind: 'repository', name: 'pkgrelay-images' },
      member: `serviceAccount:pkgrelay-builds@${P}.iam.gserviceaccount.com`,
      role: 'roles/artifactregistry.reader',
    });
  });
});
