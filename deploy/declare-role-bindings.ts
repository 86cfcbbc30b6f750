import type { FunctionTarget } from './function-deployments.js';
import type { ResourceNames } from './name-resources.js';

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
    tokenSecrets,
    publicStatus,
    subscriptionOf,
  }: {
    functions: readonly FunctionTarget[];
    tokenSecrets: readonly string[];
    publicStatus: boolean;
    subscriptionOf: (target: FunctionTarget) => string;
  },
): RoleBinding[] {
  const sa = (key: Parameters<ResourceNames['account']>[0]): string => `serviceAccount:${names.account(key)}`;
  const has = (target: FunctionTarget): boolean => functions.includes(target);
  const bucket = { kind: 'bucket', name: names.bucket } as const;
  const configBucket = { kind: 'bucket', name: names.configBucket } as const;
  const bindings: RoleBinding[] = [];
  const grant = (resource: RoleBinding['resource'], member: string, role: string, why: string): void => {
    bindings.push({ resource, member, role, why });
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
    grant(
      { kind: 'serviceAccount', name: names.account('builds') },
      sa('worker'),
      'roles/iam.serviceAccountUser',
      'runs builds as the builds account',
    );
  }
  if (has('buildEvents'))
    grant(bucket, sa('buildEvents'), 'roles/storage.objectAdmin', 'moves job status on');
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
      'roles/cloudbuild.builds.viewer',
      'looks at builds of stuck jobs',
    );
  }

  grant(
    { kind: 'repository', name: names.repository },
    sa('builds'),
    'roles/artifactregistry.writer',
    'uploads distributions',
  );
  // Log entries can only be written with a project-level grant.
  grant(
    { kind: 'project', name: names.project },
    sa('builds'),
    'roles/logging.logWriter',
    'writes build logs',
  );
  // Reconcile lists a private upstream's tags with the same token its builds clone it with.
  const tokenReaders: Array<{ account: Parameters<ResourceNames['account']>[0]; why: string }> = [
    { account: 'builds', why: 'clones a private upstream' },
    ...(has('reconcile')
      ? [{ account: 'reconcile' as const, why: 'lists a private upstream\u2019s tags' }]
      : []),
  ];
  for (const secret of tokenSecrets)
    for (const { account, why } of tokenReaders)
      grant({ kind: 'secret', name: secret }, sa(account), 'roles/secretmanager.secretAccessor', why);

  for (const target of (['webhook', 'worker', 'reconcile'] as const).filter(has))
    grant(configBucket, sa(target), 'roles/storage.objectViewer', 'reads the served repositories');

  const invoked = (['worker', 'buildEvents', 'deadLetter', 'reconcile'] as const).filter(has);
  for (const target of invoked)
    grant(
      { kind: 'runService', name: names.functionName(target) },
      sa('invoker'),
      'roles/run.invoker',
      'delivers events and schedules',
    );

  const agent = `serviceAccount:${names.pubsubAgent}`;
  if (has('worker')) {
    grant(
      { kind: 'topic', name: names.deadLetterTopic },
      agent,
      'roles/pubsub.publisher',
      'forwards undeliverable messages',
    );
    grant(
      { kind: 'subscription', name: subscriptionOf('worker') },
      agent,
      'roles/pubsub.subscriber',
      'acknowledges forwarded messages',
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
