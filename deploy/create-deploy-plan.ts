import { join } from 'node:path';
import { createBindingCommand } from './create-binding-command.js';
import { createFunctionDeployCommand, NOTIFICATIONS_FILE } from './create-function-deploy-command.js';
import { declareRoleBindings, type RoleBinding } from './declare-role-bindings.js';
import { FUNCTION_DEPLOYMENTS, type FunctionTarget } from './function-deployments.js';
import { nameResources, type AccountKey, type DeployOptions, type ResourceNames } from './name-resources.js';
import type { Command, DeployPlan, DeployStep } from './plan-types.js';
import { IAM_RETRY, TRIGGER_RETRY } from './propagation-retries.js';
import { buildBuilderImage } from './build-builder-image.js';
import { describeIdleCost } from './estimate-idle-cost.js';
import { STAGING_ARCHIVE_DAYS, STAGING_LIFECYCLE_FILE } from './staging-lifecycle.js';
import { StatusPageFiles } from '../shared/status-page/status-page-files.js';

/** The APIs a deployment uses. */
export const REQUIRED_APIS = [
  'artifactregistry.googleapis.com',
  'cloudbuild.googleapis.com',
  'cloudfunctions.googleapis.com',
  'cloudscheduler.googleapis.com',
  'eventarc.googleapis.com',
  'iam.googleapis.com',
  'logging.googleapis.com',
  'pubsub.googleapis.com',
  'run.googleapis.com',
  'secretmanager.googleapis.com',
  'storage.googleapis.com',
] as const;

/**
 * The whole deployment as an ordered list of idempotent gcloud steps: running it twice changes nothing the second
 * time. Values known only while deploying (project number, trigger subscriptions, URLs) are captured into `{{NAME}}`s.
 */
export function createDeployPlan(options: DeployOptions): DeployPlan {
  const names = nameResources(options);
  const { project } = names;
  const tokenSecrets = [...new Set(options.privateRepositories.map((repo) => repo.tokenSecret))];
  const deployed = FUNCTION_DEPLOYMENTS.filter((fn) => options.functions.includes(fn.target));
  const has = (target: FunctionTarget): boolean => options.functions.includes(target);
  const gcloud = (...args: string[]): Command => ({
    program: 'gcloud',
    args: [...args, `--project=${project}`, '--quiet'],
  });
  const subscriptionVariable = (target: FunctionTarget): string => `${constantCase(target)}_SUBSCRIPTION`;
  const bindings = declareRoleBindings(names, {
    functions: options.functions,
    privateRepositories: options.privateRepositories,
    notificationSecrets: options.notificationSecrets ?? [],
    publicStatus: options.publicStatus,
    invokerIamCheck: options.invokerIamCheck,
    deployer: '{{DEPLOYER}}',
    subscriptionOf: (target) => `{{${subscriptionVariable(target)}}}`,
  });
  const grant = (binding: RoleBinding): DeployStep => ({
    kind: 'run',
    title: `${binding.role} for ${binding.member} on ${binding.resource.kind} ${binding.resource.name}: ${binding.why}`,
    command: createBindingCommand(binding, names),
    retry: IAM_RETRY,
  });
  // The worker's releases and the notifier's events each have a dead-letter topic; the others retry until they pass.
  const deadLetterOf = (target: FunctionTarget): string | undefined =>
    ({ worker: names.deadLetterTopic, notifier: names.jobEventsDeadLetterTopic })[target as string];
  const afterDeploy = (binding: RoleBinding): boolean =>
    binding.resource.kind === 'runService' || binding.resource.kind === 'subscription';

  const steps: DeployStep[] = [
    { kind: 'run', title: 'Enable the APIs', command: gcloud('services', 'enable', ...REQUIRED_APIS) },
    {
      kind: 'capture',
      title: "The project number, which names Pub/Sub's service agent",
      variable: 'PROJECT_NUMBER',
      command: gcloud('projects', 'describe', project, '--format=value(projectNumber)'),
    },
    {
      kind: 'capture',
      title:
        'Who runs this deploy: it must act as the function-build account it passes to every function deploy',
      variable: 'DEPLOYER',
      command: gcloud('config', 'get-value', 'account'),
      as: 'principal',
    },
    ensureTopic(names.releasesTopic, gcloud),
    // The dead-letter topic keeps its messages a week, so none is lost before its subscription exists.
    ensureTopic(names.deadLetterTopic, gcloud, ['--message-retention-duration=7d']),
    ensureTopic(names.buildEventsTopic, gcloud),
    ensureTopic(names.jobEventsTopic, gcloud),
    ensureTopic(names.jobEventsDeadLetterTopic, gcloud, ['--message-retention-duration=7d']),
    {
      kind: 'ensure',
      title: `Subscription ${names.jobEventsDeadLetterTopic}: keeps the job events no endpoint took, for a person`,
      describe: gcloud('pubsub', 'subscriptions', 'describe', names.jobEventsDeadLetterTopic),
      create: [
        gcloud(
          'pubsub',
          'subscriptions',
          'create',
          names.jobEventsDeadLetterTopic,
          `--topic=${names.jobEventsDeadLetterTopic}`,
          '--message-retention-duration=7d',
        ),
      ],
      update: [],
    },
    ensureBucket(names, options.publicStatus, gcloud),
    ensureConfigBucket(names, gcloud),
    {
      kind: 'run',
      title: `Seed ${names.catalogUrl} from ${options.configPath} (a stored document is kept: edit it with pkgrelay repositories)`,
      command: gcloud(
        'storage',
        'cp',
        options.configPath,
        names.catalogUrl,
        '--no-clobber',
        '--content-type=application/json',
      ),
    },
    ensureStagingBucket(names, options.bundleDir, gcloud),
    ...uploadStatusPage(names, gcloud),
    ensureRepository(names, names.repository, 'python', 'Python packages built by pkgrelay', gcloud),
    ensureRepository(
      names,
      names.dockerRepository,
      'docker',
      'Images of pkgrelay: its functions and the builder its jobs run on',
      gcloud,
    ),
    ...(has('webhook')
      ? [
          {
            kind: 'ensure',
            title: `Webhook secret ${names.webhookSecret} (a random one at creation; an existing one is kept)`,
            describe: gcloud('secrets', 'describe', names.webhookSecret),
            create: [
              {
                ...gcloud(
                  'secrets',
                  'create',
                  names.webhookSecret,
                  '--replication-policy=automatic',
                  '--data-file=-',
                ),
                stdin: 'random-secret',
              },
            ],
            update: [],
          } satisfies DeployStep,
        ]
      : []),
    ...tokenSecrets.map((secret): DeployStep => ({
      kind: 'ensure',
      title: `Upstream token secret ${secret} (created empty: add the token as a version)`,
      describe: gcloud('secrets', 'describe', secret),
      create: [gcloud('secrets', 'create', secret, '--replication-policy=automatic')],
      update: [],
    })),
    ...accountKeys(options.functions).map((key) => ensureServiceAccount(names.account(key), key, gcloud)),
    ...options.privateRepositories.map(({ repository }) =>
      ensureServiceAccount(names.privateBuilder(repository), `builder of ${repository}`, gcloud),
    ),
    ...bindings.filter((binding) => !afterDeploy(binding)).map(grant),
    ...options.pythonVersions.map((version) => buildBuilderImage(names, version, options.bundleDir, gcloud)),
    ...deployed.flatMap((fn): DeployStep[] => [
      // The notifier reads its endpoints from the repositories file in its own source, at cold start.
      ...(fn.target === 'notifier'
        ? [
            {
              kind: 'copy' as const,
              title: `The repositories file into ${fn.name}'s source (its notifications)`,
              from: options.configPath,
              to: join(options.bundleDir, fn.folder, NOTIFICATIONS_FILE),
            },
          ]
        : []),
      {
        kind: 'run',
        title: `Function ${fn.name} (${fn.target}, ${describeTrigger(fn.trigger.kind)}; ${fn.memory}, ${fn.cpu} vCPU: ${fn.sizing})`,
        command: createFunctionDeployCommand(
          fn,
          names,
          options.bundleDir,
          options.notificationSecrets ?? [],
          options,
        ),
        // Only a Pub/Sub trigger waits on Eventarc's agent; retried on its propagation error alone.
        ...(fn.trigger.kind === 'topic' ? { retry: TRIGGER_RETRY } : {}),
      },
      ...(fn.target === 'webhook' && !options.invokerIamCheck
        ? [
            {
              kind: 'run',
              title: `Cloud Run's invoker IAM check off for ${fn.name} only: GitHub cannot sign in, the webhook checks signatures`,
              command: gcloud(
                'run',
                'services',
                'update',
                fn.name,
                `--region=${names.region}`,
                '--no-invoker-iam-check',
              ),
            } satisfies DeployStep,
          ]
        : []),
      ...(fn.target === 'webhook' && options.minInstances > 0
        ? [
            {
              kind: 'say',
              title: `What ${options.minInstances} warm webhook instance(s) cost`,
              text: describeIdleCost(fn, options.minInstances),
            } satisfies DeployStep,
          ]
        : []),
    ]),
    ...bindings.filter((binding) => binding.resource.kind === 'runService').map(grant),
    ...deployed
      .filter((fn) => fn.trigger.kind === 'topic')
      .flatMap((fn): DeployStep[] => {
        const prefix = constantCase(fn.target);
        return [
          {
            kind: 'capture',
            title: `The Eventarc trigger of ${fn.name}`,
            variable: `${prefix}_TRIGGER`,
            command: gcloud(
              'functions',
              'describe',
              fn.name,
              '--gen2',
              `--region=${names.region}`,
              '--format=value(eventTrigger.trigger)',
            ),
          },
          {
            kind: 'capture',
            title: `The Pub/Sub subscription that trigger made`,
            variable: subscriptionVariable(fn.target),
            command: gcloud(
              'eventarc',
              'triggers',
              'describe',
              `{{${prefix}_TRIGGER}}`,
              '--format=value(transport.pubsub.subscription)',
            ),
          },
          {
            kind: 'run',
            title: `Retry${deadLetterOf(fn.target) ? ' and dead-letter' : ''} settings of ${fn.name}'s subscription`,
            command: gcloud(
              'pubsub',
              'subscriptions',
              'update',
              `{{${subscriptionVariable(fn.target)}}}`,
              '--min-retry-delay=10s',
              '--max-retry-delay=600s',
              ...(deadLetterOf(fn.target)
                ? [
                    `--dead-letter-topic=${deadLetterOf(fn.target)}`,
                    `--max-delivery-attempts=${options.maxDeliveryAttempts}`,
                  ]
                : []),
            ),
          },
        ];
      }),
    ...bindings.filter((binding) => binding.resource.kind === 'subscription').map(grant),
    ...(has('reconcile') ? scheduleReconcile(names, options.schedule, gcloud) : []),
    ...tokenSecrets.map((secret): DeployStep => ({
      kind: 'say',
      title: `Reminder for the upstream token secret ${secret}`,
      text: `Builds read ${secret} for a private upstream; add its token once: printf %s TOKEN | gcloud secrets versions add ${secret} --data-file=- --project=${project}`,
    })),
    ...(has('webhook')
      ? [
          {
            kind: 'capture',
            title: 'The webhook URL',
            variable: 'WEBHOOK_URL',
            command: gcloud(
              'functions',
              'describe',
              names.functionName('webhook'),
              '--gen2',
              `--region=${names.region}`,
              '--format=value(serviceConfig.uri)',
            ),
          } satisfies DeployStep,
          {
            kind: 'say',
            title: 'How to connect GitHub',
            text:
              'Webhook URL: {{WEBHOOK_URL}} (content type application/json; events: releases, create, push). ' +
              `Its secret: gcloud secrets versions access latest --secret=${names.webhookSecret} --project=${project}`,
          } satisfies DeployStep,
        ]
      : []),
  ];
  return { project, region: names.region, steps };
}

function ensureTopic(
  topic: string,
  gcloud: (...args: string[]) => Command,
  extra: string[] = [],
): DeployStep {
  return {
    kind: 'ensure',
    title: `Topic ${topic}`,
    describe: gcloud('pubsub', 'topics', 'describe', topic),
    create: [gcloud('pubsub', 'topics', 'create', topic, ...extra)],
    update: extra.length ? [gcloud('pubsub', 'topics', 'update', topic, ...extra)] : [],
  };
}

function ensureRepository(
  names: ResourceNames,
  repository: string,
  format: 'python' | 'docker',
  description: string,
  gcloud: (...args: string[]) => Command,
): DeployStep {
  const at = `--location=${names.region}`;
  return {
    kind: 'ensure',
    title: `Artifact Registry ${format === 'python' ? 'Python' : 'Docker'} repository ${repository}`,
    describe: gcloud('artifacts', 'repositories', 'describe', repository, at),
    create: [
      gcloud(
        'artifacts',
        'repositories',
        'create',
        repository,
        `--repository-format=${format}`,
        at,
        `--description=${description}`,
      ),
    ],
    update: [],
  };
}

function ensureBucket(
  names: ResourceNames,
  publicStatus: boolean,
  gcloud: (...args: string[]) => Command,
): DeployStep {
  const url = `gs://${names.bucket}`;
  // Public status needs public access prevention off; a private one has it enforced.
  const access = publicStatus ? '--no-public-access-prevention' : '--public-access-prevention';
  return {
    kind: 'ensure',
    title: `Status bucket ${url} (uniform access, ${publicStatus ? 'public-readable' : 'private'})`,
    describe: gcloud('storage', 'buckets', 'describe', url),
    create: [
      gcloud(
        'storage',
        'buckets',
        'create',
        url,
        `--location=${names.region}`,
        '--uniform-bucket-level-access',
        access,
      ),
    ],
    update: [gcloud('storage', 'buckets', 'update', url, '--uniform-bucket-level-access', access)],
  };
}

// The served repositories name private upstreams and their secrets: never public, whatever the status bucket is.
function ensureConfigBucket(names: ResourceNames, gcloud: (...args: string[]) => Command): DeployStep {
  const url = `gs://${names.configBucket}`;
  const flags = ['--uniform-bucket-level-access', '--public-access-prevention'];
  return {
    kind: 'ensure',
    title: `Config bucket ${url} (uniform access, private): the served repositories and their change records`,
    describe: gcloud('storage', 'buckets', 'describe', url),
    create: [gcloud('storage', 'buckets', 'create', url, `--location=${names.region}`, ...flags)],
    update: [gcloud('storage', 'buckets', 'update', url, ...flags)],
  };
}

function ensureServiceAccount(
  email: string,
  label: string,
  gcloud: (...args: string[]) => Command,
): DeployStep {
  const id = email.slice(0, email.indexOf('@'));
  return {
    kind: 'ensure',
    title: `Service account ${id}`,
    describe: gcloud('iam', 'service-accounts', 'describe', email),
    create: [gcloud('iam', 'service-accounts', 'create', id, `--display-name=pkgrelay ${label}`)],
    update: [],
  };
}

// Never public: it holds private repositories' built files between their two builds, and not for long.
function ensureStagingBucket(
  names: ResourceNames,
  bundleDir: string,
  gcloud: (...args: string[]) => Command,
): DeployStep {
  const url = `gs://${names.stagingBucket}`;
  const flags = [
    '--uniform-bucket-level-access',
    '--public-access-prevention',
    `--lifecycle-file=${join(bundleDir, STAGING_LIFECYCLE_FILE)}`,
  ];
  return {
    kind: 'ensure',
    title: `Staging bucket ${url} (private: the build phase's archives for the publish phase, deleted after ${STAGING_ARCHIVE_DAYS} days)`,
    describe: gcloud('storage', 'buckets', 'describe', url),
    create: [gcloud('storage', 'buckets', 'create', url, `--location=${names.region}`, ...flags)],
    update: [gcloud('storage', 'buckets', 'update', url, ...flags)],
  };
}

function scheduleReconcile(
  names: ResourceNames,
  schedule: string,
  gcloud: (...args: string[]) => Command,
): DeployStep[] {
  const job = (verb: 'create' | 'update'): Command =>
    gcloud(
      'scheduler',
      'jobs',
      verb,
      'http',
      names.scheduleJob,
      `--location=${names.region}`,
      `--schedule=${schedule}`,
      '--uri={{RECONCILE_URL}}',
      '--http-method=POST',
      `--oidc-service-account-email=${names.account('invoker')}`,
      '--oidc-token-audience={{RECONCILE_URL}}',
    );
  return [
    {
      kind: 'capture',
      title: 'The reconcile URL',
      variable: 'RECONCILE_URL',
      command: gcloud(
        'functions',
        'describe',
        names.functionName('reconcile'),
        '--gen2',
        `--region=${names.region}`,
        '--format=value(serviceConfig.uri)',
      ),
    },
    {
      kind: 'ensure',
      title: `Cloud Scheduler job ${names.scheduleJob}, calling reconcile with an OIDC token of the invoker account`,
      describe: gcloud('scheduler', 'jobs', 'describe', names.scheduleJob, `--location=${names.region}`),
      create: [job('create')],
      update: [job('update')],
    },
  ];
}

function accountKeys(functions: readonly FunctionTarget[]): AccountKey[] {
  const invoked = functions.some((target) => target !== 'webhook');
  return [...functions, 'builds', 'publisher', 'functionBuilds', ...(invoked ? (['invoker'] as const) : [])];
}

function describeTrigger(kind: 'http' | 'topic' | 'schedule'): string {
  return { http: 'HTTP', topic: 'Pub/Sub topic', schedule: 'HTTP + Cloud Scheduler' }[kind];
}

function constantCase(target: string): string {
  return target.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase();
}

// The page finds its bucket from its own URL (storage.googleapis.com/<bucket>/index.html), so plain copies serve.
function uploadStatusPage(names: ResourceNames, gcloud: (...args: string[]) => Command): DeployStep[] {
  return StatusPageFiles.map(({ source, object, contentType }) => ({
    kind: 'run',
    title: `Status page: ${object}`,
    command: gcloud(
      'storage',
      'cp',
      `status-page/${source}`,
      `gs://${names.bucket}/${object}`,
      `--content-type=${contentType}`,
      '--cache-control=public, max-age=60',
    ),
  }));
}
