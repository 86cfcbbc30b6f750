import type { FunctionTarget } from './function-deployments.js';
import type { PrivateRepository, ResourceNames } from './name-resources.js';

/** The kinds of resource pkgrelay binds roles on, narrowest first; `project` only where nothing narrower exists. */
export const ResourceKind = [
  'topic',
  'subscription',
  'secret',
  'bucket',
  'repository',
  'serviceAccount',
  'runService',
  'project',
] as const;
export type ResourceKind = (typeof ResourceKind)[number];

export interface RoleBinding {
  resource: { kind: ResourceKind; name: string };
  /** An IAM principal: `serviceAccount:…` or `allUsers`. */
  member: string;
  role: string;
  /** Why this grant is needed, for the plan's printout and the README's table. */
  why: string;
  /** An IAM condition narrowing a project-level grant to the resources it names (CEL, no commas). */
  condition?: { title: string; expression: string };
}

/** The roles a basic role would cover and that pkgrelay must never grant. */
export const BASIC_ROLES = ['roles/owner', 'roles/editor', 'roles/viewer'] as const;

/**
 * Every role binding of a deployment: each account only what its function does, on the narrowest resource.
 * `subscriptionOf` names the Eventarc-made subscription of a Pub/Sub-triggered function (known only after its deploy).
 */
export function declareRoleBindings(
  names: ResourceNames,
  {
    functions,
    privateRepositories,
    notificationSecrets = [],
    publicStatus,
    invokerIamCheck = true,
    deployer,
    subscriptionOf,
  }: {
    functions: readonly FunctionTarget[];
    privateRepositories: readonly PrivateRepository[];
    notificationSecrets?: readonly string[];
    publicStatus: boolean;
    /** False: the webhook is served with Cloud Run's invoker check off, so allUsers gets nothing. */
    invokerIamCheck?: boolean;
    /** The principal running the deploy (captured while deploying), which must act as the function-build account. */
    deployer: string;
    subscriptionOf: (target: FunctionTarget) => string;
  },
): RoleBinding[] {
  const sa = (key: Parameters<ResourceNames['account']>[0]): string => `serviceAccount:${names.account(key)}`;
  const has = (target: FunctionTarget): boolean => functions.includes(target);
  const bucket = { kind: 'bucket', name: names.bucket } as const;
  const configBucket = { kind: 'bucket', name: names.configBucket } as const;
  const bindings: RoleBinding[] = [];
  const builders = [
    { email: names.account('builds'), of: 'public repositories', secret: undefined },
    ...privateRepositories.map(({ repository, tokenSecret }) => ({
      email: names.privateBuilder(repository),
      of: repository,
      secret: tokenSecret,
    })),
  ];
  const grant = (
    resource: RoleBinding['resource'],
    member: string,
    role: string,
    why: string,
    condition?: RoleBinding['condition'],
  ): void => {
    bindings.push({ resource, member, role, why, ...(condition ? { condition } : {}) });
  };
  const readSecrets = (secrets: readonly string[], member: string, why: string): void => {
    for (const secret of secrets)
      grant({ kind: 'secret', name: secret }, member, 'roles/secretmanager.secretAccessor', why);
  };

  if (has('webhook')) {
    grant(
      { kind: 'topic', name: names.releasesTopic },
      sa('webhook'),
      'roles/pubsub.publisher',
      'publishes release requests',
    );
    grant(
      { kind: 'secret', name: names.webhookSecret },
      sa('webhook'),
      'roles/secretmanager.secretAccessor',
      'verifies signatures',
    );
    // GitHub cannot authenticate to Google: the webhook is public and checks the HMAC signature itself.
    if (invokerIamCheck)
      grant(
        { kind: 'runService', name: names.functionName('webhook') },
        'allUsers',
        'roles/run.invoker',
        'GitHub delivers to it',
      );
  }
  if (has('worker')) {
    // Builds have no resource-level IAM: cloudbuild.builds.create exists only on the project.
    grant(
      { kind: 'project', name: names.project },
      sa('worker'),
      'roles/cloudbuild.builds.editor',
      'starts and reads builds',
    );
    grant(bucket, sa('worker'), 'roles/storage.objectAdmin', 'claims jobs in the status documents');
    grant(
      { kind: 'repository', name: names.repository },
      sa('worker'),
      'roles/artifactregistry.reader',
      'checks what is published',
    );
    for (const builder of builders)
      grant(
        { kind: 'serviceAccount', name: builder.email },
        sa('worker'),
        'roles/iam.serviceAccountUser',
        `runs build phases as ${builder.of}`,
      );
  }
  if (has('buildEvents')) {
    grant(bucket, sa('buildEvents'), 'roles/storage.objectAdmin', 'moves job status on, claims names');
    // As for the worker: builds.create exists only on the project.
    grant(
      { kind: 'project', name: names.project },
      sa('buildEvents'),
      'roles/cloudbuild.builds.editor',
      'starts publish phases',
    );
    grant(
      { kind: 'serviceAccount', name: names.account('publisher') },
      sa('buildEvents'),
      'roles/iam.serviceAccountUser',
      'runs publish phases as the publisher',
    );
  }
  if (has('deadLetter'))
    grant(bucket, sa('deadLetter'), 'roles/storage.objectAdmin', 'marks dead-lettered jobs failed');
  if (has('reconcile')) {
    grant(bucket, sa('reconcile'), 'roles/storage.objectAdmin', 'reads jobs and marks stuck ones');
    grant(
      { kind: 'topic', name: names.releasesTopic },
      sa('reconcile'),
      'roles/pubsub.publisher',
      'enqueues tags without a job',
    );
    // Like builds.create, builds.get exists only on the project.
    grant(
      { kind: 'project', name: names.project },
      sa('reconcile'),
      'roles/cloudbuild.builds.editor',
      'looks at builds of stuck jobs, starts a publish phase whose start was lost',
    );
    grant(
      { kind: 'serviceAccount', name: names.account('publisher') },
      sa('reconcile'),
      'roles/iam.serviceAccountUser',
      'runs publish phases as the publisher',
    );
  }

  const announcing = (['worker', 'buildEvents', 'deadLetter', 'reconcile'] as const).filter(has);
  for (const target of announcing)
    grant(
      { kind: 'topic', name: names.jobEventsTopic },
      sa(target),
      'roles/pubsub.publisher',
      'announces job transitions',
    );
  if (has('notifier')) {
    grant(bucket, sa('notifier'), 'roles/storage.objectAdmin', 'records which endpoints were told');
    readSecrets(notificationSecrets, sa('notifier'), 'reads a notification URL or signing key');
  }

  // Build phases run upstream code: no registry right, only their staging uploads, and a private
  // repository's builder its own token. Only the publisher, whose builds never run upstream code, writes.
  const staging = { kind: 'bucket', name: names.stagingBucket } as const;
  for (const builder of builders) {
    const member = `serviceAccount:${builder.email}`;
    // Log entries can only be written with a project-level grant.
    grant({ kind: 'project', name: names.project }, member, 'roles/logging.logWriter', 'writes build logs');
    grant(staging, member, 'roles/storage.objectCreator', 'leaves its archive for the publish phase');
    if (builder.secret)
      grant(
        { kind: 'secret', name: builder.secret },
        member,
        'roles/secretmanager.secretAccessor',
        `clones ${builder.of}, and no other private upstream`,
      );
  }
  grant(
    { kind: 'repository', name: names.repository },
    sa('publisher'),
    'roles/artifactregistry.writer',
    'uploads distributions',
  );
  grant(
    { kind: 'project', name: names.project },
    sa('publisher'),
    'roles/logging.logWriter',
    'writes build logs',
  );
  // Reconcile lists a private upstream's tags with the same token its builds clone it with.
  if (has('reconcile'))
    for (const { tokenSecret } of privateRepositories)
      grant(
        { kind: 'secret', name: tokenSecret },
        sa('reconcile'),
        'roles/secretmanager.secretAccessor',
        'lists a private upstream\u2019s tags',
      );
  grant(staging, sa('publisher'), 'roles/storage.objectViewer', "reads the build phase's archive");

  for (const target of (['webhook', 'worker', 'buildEvents', 'reconcile'] as const).filter(has))
    grant(configBucket, sa(target), 'roles/storage.objectViewer', 'reads the served repositories');

  bindings.push(...functionBuildBindings(names, deployer));
  // Both phases run every step on the builder image, pulled from the Docker repository as the build's account.
  for (const builder of builders)
    grant(
      { kind: 'repository', name: names.dockerRepository },
      `serviceAccount:${builder.email}`,
      'roles/artifactregistry.reader',
      'pulls the builder image',
    );
  grant(
    { kind: 'repository', name: names.dockerRepository },
    sa('publisher'),
    'roles/artifactregistry.reader',
    'pulls the builder image',
  );

  const invoked = (['worker', 'buildEvents', 'deadLetter', 'reconcile', 'notifier'] as const).filter(has);
  for (const target of invoked)
    grant(
      { kind: 'runService', name: names.functionName(target) },
      sa('invoker'),
      'roles/run.invoker',
      'delivers events and schedules',
    );

  const agent = `serviceAccount:${names.pubsubAgent}`;
  // Each function with a dead-letter topic: Pub/Sub's agent forwards there and acknowledges the original.
  const deadLettered = [
    { target: 'worker', topic: names.deadLetterTopic, what: 'messages' },
    { target: 'notifier', topic: names.jobEventsDeadLetterTopic, what: 'job events' },
  ] as const;
  for (const { target, topic, what } of deadLettered.filter((entry) => has(entry.target))) {
    grant({ kind: 'topic', name: topic }, agent, 'roles/pubsub.publisher', `forwards undeliverable ${what}`);
    grant(
      { kind: 'subscription', name: subscriptionOf(target) },
      agent,
      'roles/pubsub.subscriber',
      `acknowledges forwarded ${what}`,
    );
  }
  if (invoked.some((target) => target !== 'reconcile'))
    grant(
      { kind: 'serviceAccount', name: names.account('invoker') },
      agent,
      'roles/iam.serviceAccountTokenCreator',
      'signs push requests as the invoker',
    );

  if (publicStatus)
    grant(bucket, 'allUsers', 'roles/storage.objectViewer', 'the status page and JSON are public');
  return bindings;
}

/**
 * The account Cloud Build builds the functions' source (and the builder image) as, passed with
 * `--build-service-account`: the roles Google's "build service account" page lists, each on the narrowest resource.
 * The function sources bucket is made by the first deploy, so its grant is a project one with a condition naming it.
 */
function functionBuildBindings(names: ResourceNames, deployer: string): RoleBinding[] {
  const member = `serviceAccount:${names.account('functionBuilds')}`;
  const project = { kind: 'project', name: names.project } as const;
  const bucketObjects = (bucket: string): string =>
    `resource.name.startsWith("projects/_/buckets/${bucket}/")`;
  return [
    {
      resource: project,
      member,
      role: 'roles/logging.logWriter',
      why: 'writes function build logs',
    },
    {
      resource: { kind: 'repository', name: names.dockerRepository },
      member,
      role: 'roles/artifactregistry.writer',
      why: "stores the functions' images and the builder image",
    },
    {
      resource: project,
      member,
      role: 'roles/storage.objectAdmin',
      why: "reads each function's uploaded source",
      condition: {
        title: 'pkgrelay function sources',
        expression: bucketObjects(`gcf-v2-sources-{{PROJECT_NUMBER}}-${names.region}`),
      },
    },
    {
      resource: project,
      member,
      role: 'roles/storage.objectViewer',
      why: "reads the builder image's uploaded source",
      condition: {
        title: 'pkgrelay builder image source',
        expression: bucketObjects(`${names.project}_cloudbuild`),
      },
    },
    {
      resource: { kind: 'serviceAccount', name: names.account('functionBuilds') },
      member: deployer,
      role: 'roles/iam.serviceAccountUser',
      why: 'the deploy passes it as --build-service-account',
    },
  ];
}
