import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployOptions, flagValue, indexOfCommand, P, R } from './plan-fixtures.js';
import { describe, expect, it, vi } from 'vitest';
import { createDeployCommand } from '../../cli/commands/deploy.js';
import { createDeployPlan, REQUIRED_APIS } from '../../deploy/create-deploy-plan.js';
import { BASIC_ROLES } from '../../deploy/declare-role-bindings.js';
import type { Command, DeployPlan } from '../../deploy/plan-types.js';
import { commandsOf, readRoleBindings } from '../../deploy/read-role-bindings.js';
import { writeStagingLifecycle } from '../../deploy/staging-lifecycle.js';

const sa = (id: string): string => `serviceAccount:${id}@${P}.iam.gserviceaccount.com`;
const agent = 'serviceAccount:service-{{PROJECT_NUMBER}}@gcp-sa-pubsub.iam.gserviceaccount.com';
const bucket = `${P}-pkgrelay-status`;
const staging = `${P}-pkgrelay-status-staging`;
// The builder account of acme/secret-sauce: a digest of its name, so it fits IAM's 30 characters.
const SAUCE_BUILDER = 'pkgrelay-src-281d7022f2f7';

const options = deployOptions;

// Prints `pkgrelay deploy ... --dry-run` exactly as a person would see it.
async function dryRun(args: string[]): Promise<string> {
  const folder = mkdtempSync(join(tmpdir(), 'pkgrelay-deploy-'));
  const config = join(folder, 'repositories.json');
  writeFileSync(
    config,
    JSON.stringify({
      repositories: [
        { repository: 'acme/widgets' },
        { repository: 'acme/secret-sauce', private: true, tokenSecret: 'acme-token' },
      ],
    }),
  );
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  try {
    await createDeployCommand().parseAsync(
      ['--project', P, '--region', R, '--dry-run', '--config', config, '--bundle-dir', '/b', ...args],
      { from: 'user' },
    );
  } finally {
    write.mockRestore();
  }
  return out;
}

const deploys = (plan: DeployPlan): Command[] =>
  commandsOf(plan).filter((command) => command.args[0] === 'functions' && command.args[1] === 'deploy');

describe('pkgrelay deploy --dry-run', () => {
  it('prints a complete deployment, in order, as a shell script sh accepts', async () => {
    const script = await dryRun([]);
    const expected = [
      `gcloud services enable ${REQUIRED_APIS.join(' ')}`,
      'gcloud pubsub topics create pkgrelay-releases ',
      'gcloud pubsub topics create pkgrelay-releases-dead-letter --message-retention-duration=7d',
      'gcloud pubsub topics create cloud-builds ',
      `gcloud storage buckets create gs://${bucket} --location=${R} --uniform-bucket-level-access --no-public-access-prevention`,
      `gcloud storage buckets create gs://${staging} --location=${R} --uniform-bucket-level-access --public-access-prevention --lifecycle-file=/b/staging-lifecycle.json`,
      `gcloud artifacts repositories create pkgrelay --repository-format=python --location=${R}`,
      `gcloud artifacts repositories create pkgrelay-images --repository-format=docker --location=${R}`,
      '| gcloud secrets create pkgrelay-webhook-secret --replication-policy=automatic --data-file=-',
      'gcloud secrets create acme-token --replication-policy=automatic',
      ...[
        'webhook',
        'worker',
        'build-events',
        'dead-letter',
        'reconcile',
        'builds',
        'publisher',
        'function-builds',
        'invoker',
      ].map((id) => `gcloud iam service-accounts create pkgrelay-${id} `),
      `gcloud iam service-accounts create ${SAUCE_BUILDER} '--display-name=pkgrelay builder of acme/secret-sauce'`,
      'gcloud builds submit /b/builder-image --config=/b/builder-image/cloudbuild.yaml',
      'gcloud functions deploy pkgrelay-webhook --gen2',
      'gcloud functions deploy pkgrelay-worker --gen2',
      'gcloud functions deploy pkgrelay-build-events --gen2',
      'gcloud functions deploy pkgrelay-dead-letter --gen2',
      'gcloud functions deploy pkgrelay-reconcile --gen2',
      'WORKER_SUBSCRIPTION=$(gcloud eventarc triggers describe "${WORKER_TRIGGER}"',
      'gcloud pubsub subscriptions update "${WORKER_SUBSCRIPTION}" --min-retry-delay=10s --max-retry-delay=600s --dead-letter-topic=pkgrelay-releases-dead-letter --max-delivery-attempts=5',
      'gcloud pubsub subscriptions update "${BUILD_EVENTS_SUBSCRIPTION}" --min-retry-delay=10s',
      'gcloud pubsub subscriptions update "${DEAD_LETTER_SUBSCRIPTION}" --min-retry-delay=10s',
      `gcloud pubsub subscriptions add-iam-policy-binding "\${WORKER_SUBSCRIPTION}" "--member=serviceAccount:service-\${PROJECT_NUMBER}@gcp-sa-pubsub.iam.gserviceaccount.com" --role=roles/pubsub.subscriber`,
      `gcloud scheduler jobs create http pkgrelay-reconcile --location=${R} '--schedule=* * * * *' "--uri=\${RECONCILE_URL}" --http-method=POST --oidc-service-account-email=pkgrelay-invoker@${P}.iam.gserviceaccount.com "--oidc-token-audience=\${RECONCILE_URL}"`,
      'echo "Webhook URL: ${WEBHOOK_URL}',
    ];
    let from = 0;
    for (const text of expected) {
      const at = script.indexOf(text, from);
      expect(at, `"${text}" after position ${from}`).toBeGreaterThanOrEqual(0);
      from = at;
    }
    // Parsed by a real shell: the quoting holds.
    execFileSync('sh', ['-n'], { input: script });
  });

  it('keeps the bucket private with --no-public-status', async () => {
    const script = await dryRun(['--no-public-status', '--functions', 'webhook,worker,buildEvents']);
    expect(script).toContain(
      `gcloud storage buckets create gs://${bucket} --location=${R} --uniform-bucket-level-access --public-access-prevention`,
    );
    expect(script).not.toContain('--member=allUsers --role=roles/storage.objectViewer');
    expect(script).not.toContain('pkgrelay-reconcile');
    expect(script).not.toContain('pkgrelay-dead-letter ');
  });
  it('deletes staging archives after a week, by a lifecycle rule on create and on every redeploy', async () => {
    const script = await dryRun([]);
    expect(script).toContain(
      `gcloud storage buckets update gs://${staging} --uniform-bucket-level-access --public-access-prevention --lifecycle-file=/b/staging-lifecycle.json`,
    );
    const folder = mkdtempSync(join(tmpdir(), 'pkgrelay-lifecycle-'));
    const rule = JSON.parse(readFileSync(await writeStagingLifecycle(folder), 'utf8')) as unknown;
    expect(rule).toEqual({ rule: [{ action: { type: 'Delete' }, condition: { age: 7 } }] });
  });
  it('keeps the served repositories in a private bucket, seeded once, never replaced by a redeploy', async () => {
    const script = await dryRun([]);
    const config = `gs://${P}-pkgrelay-config`;
    expect(script).toContain(
      `gcloud storage buckets create ${config} --location=${R} --uniform-bucket-level-access --public-access-prevention`,
    );
    expect(script).toMatch(
      new RegExp(`gcloud storage cp \\S+/repositories\\.json ${config}/repositories\\.json --no-clobber`),
    );
    expect(script).not.toContain(`add-iam-policy-binding ${config} --member=allUsers`);
  });
});

describe('the role bindings of a deployment', () => {
  it('are exactly these, each on the narrowest resource', () => {
    const bindings = readRoleBindings(createDeployPlan(options()));
    const expected = [
      ['topic', 'pkgrelay-releases', sa('pkgrelay-webhook'), 'roles/pubsub.publisher'],
      ['secret', 'pkgrelay-webhook-secret', sa('pkgrelay-webhook'), 'roles/secretmanager.secretAccessor'],
      ['runService', 'pkgrelay-webhook', 'allUsers', 'roles/run.invoker'],
      ['project', P, sa('pkgrelay-worker'), 'roles/cloudbuild.builds.editor'],
      ['bucket', bucket, sa('pkgrelay-worker'), 'roles/storage.objectAdmin'],
      ['repository', 'pkgrelay', sa('pkgrelay-worker'), 'roles/artifactregistry.reader'],
      [
        'serviceAccount',
        `pkgrelay-builds@${P}.iam.gserviceaccount.com`,
        sa('pkgrelay-worker'),
        'roles/iam.serviceAccountUser',
      ],
      [
        'serviceAccount',
        `${SAUCE_BUILDER}@${P}.iam.gserviceaccount.com`,
        sa('pkgrelay-worker'),
        'roles/iam.serviceAccountUser',
      ],
      ['project', P, sa('pkgrelay-build-events'), 'roles/cloudbuild.builds.editor'],
      [
        'serviceAccount',
        `pkgrelay-publisher@${P}.iam.gserviceaccount.com`,
        sa('pkgrelay-build-events'),
        'roles/iam.serviceAccountUser',
      ],
      ['bucket', bucket, sa('pkgrelay-build-events'), 'roles/storage.objectAdmin'],
      ['bucket', bucket, sa('pkgrelay-dead-letter'), 'roles/storage.objectAdmin'],
      ['bucket', bucket, sa('pkgrelay-reconcile'), 'roles/storage.objectAdmin'],
      ['topic', 'pkgrelay-releases', sa('pkgrelay-reconcile'), 'roles/pubsub.publisher'],
      ['project', P, sa('pkgrelay-reconcile'), 'roles/cloudbuild.builds.editor'],
      [
        'serviceAccount',
        `pkgrelay-publisher@${P}.iam.gserviceaccount.com`,
        sa('pkgrelay-reconcile'),
        'roles/iam.serviceAccountUser',
      ],
      ['secret', 'acme-token', sa('pkgrelay-reconcile'), 'roles/secretmanager.secretAccessor'],
      ['topic', 'pkgrelay-job-events', sa('pkgrelay-worker'), 'roles/pubsub.publisher'],
      ['topic', 'pkgrelay-job-events', sa('pkgrelay-build-events'), 'roles/pubsub.publisher'],
      ['topic', 'pkgrelay-job-events', sa('pkgrelay-dead-letter'), 'roles/pubsub.publisher'],
      ['topic', 'pkgrelay-job-events', sa('pkgrelay-reconcile'), 'roles/pubsub.publisher'],
      ['bucket', bucket, sa('pkgrelay-notifier'), 'roles/storage.objectAdmin'],
      ['secret', 'ops-slack-url', sa('pkgrelay-notifier'), 'roles/secretmanager.secretAccessor'],
      ['runService', 'pkgrelay-notifier', sa('pkgrelay-invoker'), 'roles/run.invoker'],
      ['topic', 'pkgrelay-job-events-dead-letter', agent, 'roles/pubsub.publisher'],
      ['subscription', '{{NOTIFIER_SUBSCRIPTION}}', agent, 'roles/pubsub.subscriber'],
      ['project', P, sa('pkgrelay-builds'), 'roles/logging.logWriter'],
      ['bucket', staging, sa('pkgrelay-builds'), 'roles/storage.objectCreator'],
      ['project', P, sa(SAUCE_BUILDER), 'roles/logging.logWriter'],
      ['bucket', staging, sa(SAUCE_BUILDER), 'roles/storage.objectCreator'],
      ['secret', 'acme-token', sa(SAUCE_BUILDER), 'roles/secretmanager.secretAccessor'],
      ['repository', 'pkgrelay', sa('pkgrelay-publisher'), 'roles/artifactregistry.writer'],
      ['project', P, sa('pkgrelay-publisher'), 'roles/logging.logWriter'],
      ['bucket', staging, sa('pkgrelay-publisher'), 'roles/storage.objectViewer'],
      ['runService', 'pkgrelay-worker', sa('pkgrelay-invoker'), 'roles/run.invoker'],
      ['runService', 'pkgrelay-build-events', sa('pkgrelay-invoker'), 'roles/run.invoker'],
      ['runService', 'pkgrelay-dead-letter', sa('pkgrelay-invoker'), 'roles/run.invoker'],
      ['repository', 'pkgrelay-images', sa('pkgrelay-builds'), 'roles/artifactregistry.reader'],
      ['repository', 'pkgrelay-images', sa(SAUCE_BUILDER), 'roles/artifactregistry.reader'],
      ['repository', 'pkgrelay-images', sa('pkgrelay-publisher'), 'roles/artifactregistry.reader'],
      ['project', P, sa('pkgrelay-function-builds'), 'roles/logging.logWriter'],
      ['repository', 'pkgrelay-images', sa('pkgrelay-function-builds'), 'roles/artifactregistry.writer'],
      ['project', P, sa('pkgrelay-function-builds'), 'roles/storage.objectAdmin'],
      ['project', P, sa('pkgrelay-function-builds'), 'roles/storage.objectViewer'],
      [
        'serviceAccount',
        `pkgrelay-function-builds@${P}.iam.gserviceaccount.com`,
        '{{DEPLOYER}}',
        'roles/iam.serviceAccountUser',
      ],
      ['runService', 'pkgrelay-reconcile', sa('pkgrelay-invoker'), 'roles/run.invoker'],
      ['topic', 'pkgrelay-releases-dead-letter', agent, 'roles/pubsub.publisher'],
      ['subscription', '{{WORKER_SUBSCRIPTION}}', agent, 'roles/pubsub.subscriber'],
      [
        'serviceAccount',
        `pkgrelay-invoker@${P}.iam.gserviceaccount.com`,
        agent,
        'roles/iam.serviceAccountTokenCreator',
      ],
      ['bucket', bucket, 'allUsers', 'roles/storage.objectViewer'],
      ['bucket', `${P}-pkgrelay-config`, sa('pkgrelay-webhook'), 'roles/storage.objectViewer'],
      ['bucket', `${P}-pkgrelay-config`, sa('pkgrelay-worker'), 'roles/storage.objectViewer'],
      ['bucket', `${P}-pkgrelay-config`, sa('pkgrelay-build-events'), 'roles/storage.objectViewer'],
      ['bucket', `${P}-pkgrelay-config`, sa('pkgrelay-reconcile'), 'roles/storage.objectViewer'],
    ].map(([kind, name, member, role]) => ({ resource: { kind, name }, member, role }));
    expect(bindings).toHaveLength(expected.length);
    for (const binding of expected) expect(bindings).toContainEqual(binding);
  });

  it('grant no basic role, and grant on the project only what has no narrower resource', () => {
    const bindings = readRoleBindings(createDeployPlan(options()));
    for (const binding of bindings) expect(BASIC_ROLES).not.toContain(binding.role);
    expect(
      bindings.every(
        (binding) =>
          binding.role.startsWith('roles/') && !/^roles\/(owner|editor|viewer)$/.test(binding.role),
      ),
    ).toBe(true);
    expect(
      bindings
        .filter((binding) => binding.resource.kind === 'project')
        .map((binding) => binding.role)
        .sort(),
    ).toEqual([
      'roles/cloudbuild.builds.editor',
      'roles/cloudbuild.builds.editor',
      'roles/cloudbuild.builds.editor',
      'roles/logging.logWriter',
      'roles/logging.logWriter',
      'roles/logging.logWriter',
      'roles/logging.logWriter',
      'roles/storage.objectAdmin',
      'roles/storage.objectViewer',
    ]);
    const publicGrants = bindings.filter((binding) => binding.member === 'allUsers');
    expect(publicGrants.map((binding) => `${binding.resource.kind}:${binding.role}`).sort()).toEqual([
      'bucket:roles/storage.objectViewer',
      'runService:roles/run.invoker',
    ]);
  });

  it('give the webhook only its topic, its secret and the served repositories; no build account that runs upstream code may publish', () => {
    const bindings = readRoleBindings(createDeployPlan(options()));
    const of = (id: string): string[] =>
      bindings
        .filter((binding) => binding.member === sa(id))
        .map((binding) => `${binding.role} on ${binding.resource.kind} ${binding.resource.name}`)
        .sort();
    expect(of('pkgrelay-webhook')).toEqual([
      'roles/pubsub.publisher on topic pkgrelay-releases',
      'roles/secretmanager.secretAccessor on secret pkgrelay-webhook-secret',
      `roles/storage.objectViewer on bucket ${P}-pkgrelay-config`,
    ]);
    expect(of('pkgrelay-builds')).toEqual([
      'roles/artifactregistry.reader on repository pkgrelay-images',
      `roles/logging.logWriter on project ${P}`,
      `roles/storage.objectCreator on bucket ${staging}`,
    ]);
    // A private repository's builder reads its own token and nothing that publishes.
    expect(of(SAUCE_BUILDER)).toEqual([
      'roles/artifactregistry.reader on repository pkgrelay-images',
      `roles/logging.logWriter on project ${P}`,
      'roles/secretmanager.secretAccessor on secret acme-token',
      `roles/storage.objectCreator on bucket ${staging}`,
    ]);
    expect(of('pkgrelay-publisher')).toEqual([
      'roles/artifactregistry.reader on repository pkgrelay-images',
      'roles/artifactregistry.writer on repository pkgrelay',
      `roles/logging.logWriter on project ${P}`,
      `roles/storage.objectViewer on bucket ${staging}`,
    ]);
    // The Python repository's only writer; pkgrelay-function-builds writes the Docker repository of images.
    const writers = bindings.filter(
      (binding) => binding.role === 'roles/artifactregistry.writer' && binding.resource.name === 'pkgrelay',
    );
    expect(writers.map((binding) => binding.member)).toEqual([sa('pkgrelay-publisher')]);
  });
});

describe('the functions of a deployment', () => {
  const plan = createDeployPlan(options());
  const triggers: Record<string, string[]> = {
    'pkgrelay-webhook': ['--trigger-http', '--allow-unauthenticated'],
    'pkgrelay-worker': ['--trigger-topic=pkgrelay-releases', '--retry', '--no-allow-unauthenticated'],
    'pkgrelay-build-events': ['--trigger-topic=cloud-builds', '--retry', '--no-allow-unauthenticated'],
    'pkgrelay-dead-letter': [
      '--trigger-topic=pkgrelay-releases-dead-letter',
      '--retry',
      '--no-allow-unauthenticated',
    ],
    'pkgrelay-reconcile': ['--trigger-http', '--no-allow-unauthenticated'],
    'pkgrelay-notifier': ['--trigger-topic=pkgrelay-job-events', '--retry', '--no-allow-unauthenticated'],
  };

  it.each(Object.entries(triggers))(
    '%s runs 2nd gen on nodejs22 from its bundle, with its trigger',
    (name, flags) => {
      const command = deploys(plan).find((candidate) => candidate.args[2] === name);
      expect(command).toBeDefined();
      const args = command?.args ?? [];
      expect(args).toContain('--gen2');
      expect(flagValue(command!, '--runtime')).toBe('nodejs22');
      expect(flagValue(command!, '--source')).toMatch(/^\/srv\/pkgrelay\/lib\/bundle\/[a-z-]+$/);
      expect(flagValue(command!, '--service-account')).toBe(`${name}@${P}.iam.gserviceaccount.com`);
      for (const flag of flags) expect(args).toContain(flag);
      if (flags.includes('--retry'))
        expect(flagValue(command!, '--trigger-service-account')).toBe(
          `pkgrelay-invoker@${P}.iam.gserviceaccount.com`,
        );
      const env = Object.fromEntries(
        (flagValue(command!, '--set-env-vars') ?? '').split(',').map((pair) => pair.split('=', 2)),
      );
      expect(env).toMatchObject({
        PKGRELAY_PROJECT_ID: P,
        PKGRELAY_CONFIG: `gs://${P}-pkgrelay-config/repositories.json`,
        PKGRELAY_BUCKET: bucket,
        PKGRELAY_REGISTRY_URL: `https://${R}-python.pkg.dev/${P}/pkgrelay/`,
        PKGRELAY_REGISTRY_AUTH: 'google',
        PKGRELAY_BUILD_SERVICE_ACCOUNT: `projects/${P}/serviceAccounts/pkgrelay-builds@${P}.iam.gserviceaccount.com`,
      });
    },
  );

  it('deploys exactly the six functions, the webhook secret only to the webhook, notification secrets only to the notifier', () => {
    expect(deploys(plan).map((command) => command.args[2])).toEqual(Object.keys(triggers));
    const withSecrets = deploys(plan).filter((command) =>
      command.args.some((arg) => arg.startsWith('--set-secrets=')),
    );
    expect(withSecrets.map((command) => [command.args[2], flagValue(command, '--set-secrets')])).toEqual([
      ['pkgrelay-webhook', 'PKGRELAY_WEBHOOK_SECRETS=pkgrelay-webhook-secret:latest'],
      ['pkgrelay-notifier', 'PKGRELAY_SECRET_OPS_SLACK_URL=ops-slack-url:latest'],
    ]);
  });

  it('sets up subscriptions and the scheduler only after the functions that make them exist', () => {
    const lastDeploy = Math.max(
      ...Object.keys(triggers).map((name) =>
        indexOfCommand(plan, (args) => args[1] === 'deploy' && args[2] === name),
      ),
    );
    const subscriptionUpdate = indexOfCommand(
      plan,
      (args) => args.slice(0, 3).join(' ') === 'pubsub subscriptions update',
    );
    const scheduler = indexOfCommand(plan, (args) => args[0] === 'scheduler');
    const topic = indexOfCommand(plan, (args) => args.slice(0, 3).join(' ') === 'pubsub topics create');
    expect(topic).toBeLessThan(lastDeploy);
    expect(subscriptionUpdate).toBeGreaterThan(lastDeploy);
    expect(scheduler).toBeGreaterThan(lastDeploy);
  });

  it('uploads the status page beside the status JSON, with its content types', () => {
    const copies = plan.steps.flatMap((step) =>
      step.kind === 'run' && step.command.args[0] === 'storage' && step.command.args[1] === 'cp'
        ? [step.command.args]
        : [],
    );
    const targets = copies.map((args) => args[3]);
    expect(targets).toContain(`gs://${bucket}/index.html`);
    expect(targets.filter((target) => target?.startsWith(`gs://${bucket}/status/`)).length).toBeGreaterThan(
      0,
    );
    expect(copies.find((args) => args[3]?.endsWith('/index.html'))).toContain(
      '--content-type=text/html; charset=utf-8',
    );
  });

  it('is idempotent: every create sits behind a describe, every other command is create-or-update by nature', () => {
    const idempotentVerbs =
      /^(services enable|config get-value account|.* add-iam-policy-binding|functions deploy|functions describe|.* describe|pubsub subscriptions update|run services update|projects describe|storage cp)/;
    for (const step of plan.steps) {
      if (step.kind === 'ensure') {
        expect(step.describe.args).toContain('describe');
        // A builder image is made by a build; its tag is a digest of its inputs, so it is built once.
        for (const command of step.create)
          expect(
            command.args.includes('create') || command.args.slice(0, 2).join(' ') === 'builds submit',
          ).toBe(true);
      } else if (step.kind === 'run' || step.kind === 'capture') {
        expect(step.command.args.join(' ')).toMatch(idempotentVerbs);
      }
    }
  });
});
