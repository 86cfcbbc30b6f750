import { join } from 'node:path';
import { secretVariable } from '../shared/config/notification-config.js';
import type { FunctionDeployment } from './function-deployments.js';
import type { ResourceNames } from './name-resources.js';
import type { Command } from './plan-types.js';

/** The runtime every function is deployed on. */
export const RUNTIME = 'nodejs22';

/** `gcloud functions deploy` creates or updates: one command per function, with its trigger, identity and settings. */
export function createFunctionDeployCommand(
  fn: FunctionDeployment,
  names: ResourceNames,
  bundleDir: string,
  notificationSecrets: readonly string[] = [],
  { minInstances = 0, invokerIamCheck = true }: { minInstances?: number; invokerIamCheck?: boolean } = {},
): Command {
  const topics = {
    releases: names.releasesTopic,
    buildEvents: names.buildEventsTopic,
    deadLetter: names.deadLetterTopic,
    jobEvents: names.jobEventsTopic,
  } as const;
  const trigger =
    fn.trigger.kind === 'topic'
      ? [
          `--trigger-topic=${topics[fn.trigger.topic]}`,
          // Handlers throw on transient errors; Pub/Sub must redeliver, up to the dead-letter policy's limit.
          '--retry',
          `--trigger-service-account=${names.account('invoker')}`,
        ]
      : ['--trigger-http'];
  const isPublic = fn.trigger.kind === 'http' && fn.trigger.public;
  // Without the invoker check, allUsers needs no binding (and an organisation may refuse one).
  const allowUnauthenticated = isPublic && invokerIamCheck;
  return {
    program: 'gcloud',
    args: [
      'functions',
      'deploy',
      fn.name,
      '--gen2',
      `--region=${names.region}`,
      `--runtime=${RUNTIME}`,
      `--source=${join(bundleDir, fn.folder)}`,
      `--entry-point=${fn.target}`,
      ...trigger,
      `--service-account=${names.account(fn.target)}`,
      // Since July 2024 a new project's default Cloud Build account may lack the rights to build function source.
      `--build-service-account=projects/${names.project}/serviceAccounts/${names.account('functionBuilds')}`,
      `--docker-repository=projects/${names.project}/locations/${names.region}/repositories/${names.dockerRepository}`,
      allowUnauthenticated ? '--allow-unauthenticated' : '--no-allow-unauthenticated',
      // Pub/Sub, Eventarc and Cloud Scheduler of the same project count as internal traffic.
      `--ingress-settings=${isPublic ? 'all' : 'internal-only'}`,
      `--memory=${fn.memory}`,
      `--cpu=${fn.cpu}`,
      ...(isPublic ? [`--min-instances=${minInstances}`] : []),
      `--timeout=${fn.timeoutSeconds}s`,
      `--set-env-vars=${formatEnv({
        ...functionEnvironment(names),
        ...(fn.target === 'notifier'
          ? { PKGRELAY_NOTIFICATIONS_CONFIG: `/workspace/${NOTIFICATIONS_FILE}` }
          : {}),
      })}`,
      ...(fn.target === 'webhook'
        ? [`--set-secrets=PKGRELAY_WEBHOOK_SECRETS=${names.webhookSecret}:latest`]
        : []),
      ...(fn.target === 'notifier' && notificationSecrets.length
        ? [`--set-secrets=${notificationSecrets.map((id) => `${secretVariable(id)}=${id}:latest`).join(',')}`]
        : []),
      `--project=${names.project}`,
      '--quiet',
    ],
  };
}

/** The repositories file in the notifier's source, where it reads its `notifications` (Cloud Functions serves the source from /workspace). */
export const NOTIFICATIONS_FILE = 'repositories.json';

/** The environment of every function: the same settings loadConfig reads locally, pointed at Google Cloud. */
export function functionEnvironment(names: ResourceNames): Record<string, string> {
  return {
    PKGRELAY_PROJECT_ID: names.project,
    PKGRELAY_REGION: names.region,
    // Read at run time, so `pkgrelay repositories add` is served without a redeploy.
    PKGRELAY_CONFIG: names.catalogUrl,
    PKGRELAY_RELEASES_TOPIC: names.releasesTopic,
    PKGRELAY_BUILD_EVENTS_TOPIC: names.buildEventsTopic,
    PKGRELAY_JOB_EVENTS_TOPIC: names.jobEventsTopic,
    PKGRELAY_BUCKET: names.bucket,
    PKGRELAY_REGISTRY_URL: names.registryUrl,
    PKGRELAY_REGISTRY_AUTH: 'google',
    PKGRELAY_STAGING_BUCKET: names.stagingBucket,
    PKGRELAY_BUILD_SERVICE_ACCOUNT: `projects/${names.project}/serviceAccounts/${names.account('builds')}`,
    PKGRELAY_PUBLISH_SERVICE_ACCOUNT: `projects/${names.project}/serviceAccounts/${names.account('publisher')}`,
    // Every job's steps run on the builder image of its Python version, which has the pinned tools baked in.
    PKGRELAY_BUILDER_IMAGE: names.builderImage('{python}'),
  };
}

function formatEnv(env: Record<string, string>): string {
  const pairs = Object.entries(env).map(([key, value]) => {
    // gcloud splits --set-env-vars on commas; none of these values may hold one.
    if (value.includes(','))
      throw new Error(`${key}="${value}" holds a comma, which --set-env-vars cannot carry`);
    return `${key}=${value}`;
  });
  return pairs.join(',');
}
