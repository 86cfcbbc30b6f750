import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { parseWebhookSecrets } from './read-webhook-secrets.js';
import { locateCatalog, type CatalogLocation } from './locate-catalog.js';
import { parseRepositories } from './parse-repositories.js';
import type { RepositoryConfig } from './repository-config.js';
import { Notifications } from './notification-config.js';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => ['true', '1', 'yes'].includes(value));

const secretsList = z.string().transform(parseWebhookSecrets);

/** Every environment variable pkgrelay reads; the README's table mirrors this. */
const Environment = z.object({
  PKGRELAY_CONFIG: z
    .string()
    .min(1, 'set it to the path of the repositories file (JSON), or its gs://bucket/object URL'),
  PKGRELAY_NOTIFICATIONS_CONFIG: z.string().min(1).optional(),
  PKGRELAY_CONFIG_REFRESH_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  PKGRELAY_PROJECT_ID: z.string().min(1).optional(),
  GOOGLE_CLOUD_PROJECT: z.string().min(1).optional(),
  PKGRELAY_REGION: z.string().default('us-central1'),
  // GitHub-only: one upstream base for every repository (see upstream-url.ts).
  PKGRELAY_UPSTREAM_BASE: z.string().min(1).default('https://github.com'),
  // GitHub-only: one set of secrets, for the one source the webhook serves.
  PKGRELAY_WEBHOOK_SECRETS: secretsList.optional(),
  PKGRELAY_RELEASES_TOPIC: z.string().default('pkgrelay-releases'),
  PKGRELAY_BUILD_EVENTS_TOPIC: z.string().default('cloud-builds'),
  PKGRELAY_JOB_EVENTS_TOPIC: z.string().default('pkgrelay-job-events'),
  PKGRELAY_BUCKET: z.string().min(3).optional(),
  PKGRELAY_STAGING_BUCKET: z.string().min(3).optional(),
  PKGRELAY_REGISTRY_URL: z.url().optional(),
  PKGRELAY_CLOUDBUILD_ENDPOINT: z.url().optional(),
  PKGRELAY_SECRETMANAGER_ENDPOINT: z.url().optional(),
  PKGRELAY_POLL_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  PKGRELAY_POLL_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(300).default(20),
  PKGRELAY_BUILD_ISOLATION: booleanFlag.default(true),
  PKGRELAY_REGISTRY_AUTH: z.enum(['google', 'none']).default('google'),
  PKGRELAY_BUILD_TIMEOUT_SECONDS: z.coerce.number().int().min(60).max(86_400).default(1200),
  PKGRELAY_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(120),
  PKGRELAY_BUILD_SERVICE_ACCOUNT: z.string().optional(),
  PKGRELAY_PUBLISH_SERVICE_ACCOUNT: z.string().optional(),
  PKGRELAY_BUILDER_IMAGE: z
    .string()
    .regex(/^[a-z0-9][a-z0-9./:_{}-]*$/, 'must be an image name; {python} stands for the Python version')
    .optional(),
  PKGRELAY_LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARNING', 'ERROR']).default('INFO'),
});

export interface Config {
  projectId: string;
  region: string;
  configPath: string;
  /** Where the served repositories are: a file read once here, or a Cloud Storage object read at run time. */
  catalog: CatalogLocation;
  /** How long a function serves the repositories it read from a gs:// catalog before it looks again. */
  configRefreshSeconds: number;
  /** Where the notifier sends job events: the `notifications` of PKGRELAY_NOTIFICATIONS_CONFIG, else none. */
  notifications: Notifications;
  upstreamBase: string;
  webhookSecrets: readonly string[];
  releasesTopic: string;
  buildEventsTopic: string;
  /** Where every job transition is published (the notifier's topic). */
  jobEventsTopic: string;
  bucket: string | undefined;
  /** Where a build phase leaves its archive for the publish phase; never the (public) status bucket. */
  stagingBucket: string | undefined;
  registryUrl: string | undefined;
  cloudBuildEndpoint: string | undefined;
  secretManagerEndpoint: string | undefined;
  pollConcurrency: number;
  pollTimeoutSeconds: number;
  buildIsolation: boolean;
  registryAuth: 'google' | 'none';
  buildTimeoutSeconds: number;
  leaseSeconds: number;
  buildServiceAccount: string | undefined;
  publishServiceAccount: string | undefined;
  /** The image every build step runs on, with the steps' tools baked in; `{python}` is the job's Python version. */
  builderImage: string | undefined;
  logLevel: 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';
}

/** Reads and validates pkgrelay's configuration once; throws a ConfigError naming the variable or file field and the fix. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): Config {
  const parsed = Environment.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      'the environment',
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  const projectId = e.PKGRELAY_PROJECT_ID ?? e.GOOGLE_CLOUD_PROJECT;
  if (!projectId)
    throw new ConfigError('the environment', ['PKGRELAY_PROJECT_ID: set it to the Google Cloud project id']);
  return {
    projectId,
    region: e.PKGRELAY_REGION,
    configPath: e.PKGRELAY_CONFIG,
    catalog: locateCatalog(e.PKGRELAY_CONFIG, (path) => readRepositories(path, readFile)),
    configRefreshSeconds: e.PKGRELAY_CONFIG_REFRESH_SECONDS,
    notifications: e.PKGRELAY_NOTIFICATIONS_CONFIG
      ? readNotifications(e.PKGRELAY_NOTIFICATIONS_CONFIG, readFile)
      : { endpoints: [] },
    upstreamBase: e.PKGRELAY_UPSTREAM_BASE.replace(/\/+$/, ''),
    webhookSecrets: e.PKGRELAY_WEBHOOK_SECRETS ?? [],
    releasesTopic: e.PKGRELAY_RELEASES_TOPIC,
    buildEventsTopic: e.PKGRELAY_BUILD_EVENTS_TOPIC,
    jobEventsTopic: e.PKGRELAY_JOB_EVENTS_TOPIC,
    bucket: e.PKGRELAY_BUCKET,
    stagingBucket: e.PKGRELAY_STAGING_BUCKET,
    registryUrl: e.PKGRELAY_REGISTRY_URL && withTrailingSlash(e.PKGRELAY_REGISTRY_URL),
    cloudBuildEndpoint: e.PKGRELAY_CLOUDBUILD_ENDPOINT,
    secretManagerEndpoint: e.PKGRELAY_SECRETMANAGER_ENDPOINT,
    pollConcurrency: e.PKGRELAY_POLL_CONCURRENCY,
    pollTimeoutSeconds: e.PKGRELAY_POLL_TIMEOUT_SECONDS,
    buildIsolation: e.PKGRELAY_BUILD_ISOLATION,
    registryAuth: e.PKGRELAY_REGISTRY_AUTH,
    buildTimeoutSeconds: e.PKGRELAY_BUILD_TIMEOUT_SECONDS,
    leaseSeconds: e.PKGRELAY_LEASE_SECONDS,
    buildServiceAccount: e.PKGRELAY_BUILD_SERVICE_ACCOUNT,
    publishServiceAccount: e.PKGRELAY_PUBLISH_SERVICE_ACCOUNT,
    builderImage: e.PKGRELAY_BUILDER_IMAGE,
    logLevel: e.PKGRELAY_LOG_LEVEL,
  };
}

/** A setting a function cannot work without, named by its variable when missing. */
export function required<T>(value: T | undefined, variable: string): T {
  if (value === undefined || value === '') {
    throw new ConfigError('the environment', [`${variable}: this function needs it set`]);
  }
  return value;
}

/** The repositories file, checked as every function checks it at start (duplicates included). */
export function readRepositories(
  path: string,
  readFile: (path: string) => string = (file) => readFileSync(file, 'utf8'),
): RepositoryConfig[] {
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    throw new ConfigError(path, [`cannot be read (${(error as Error).message}); check PKGRELAY_CONFIG`]);
  }
  return parseRepositories(text, path);
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * The `notifications` of a repositories file (the notifier's only setting from it): the file is read
 * once at cold start, so a change of endpoints is a redeploy, unlike the served repositories.
 */
export function readNotifications(
  path: string,
  readFile: (path: string) => string = (file) => readFileSync(file, 'utf8'),
): Notifications {
  let json: unknown;
  try {
    json = JSON.parse(readFile(path)) as unknown;
  } catch (error) {
    throw new ConfigError(path, [
      `cannot be read as JSON (${(error as Error).message}); check PKGRELAY_NOTIFICATIONS_CONFIG`,
    ]);
  }
  const parsed = Notifications.optional().safeParse(
    (json as { notifications?: unknown } | null)?.notifications,
  );
  if (!parsed.success)
    throw new ConfigError(
      path,
      parsed.error.issues.map((issue) => `notifications.${issue.path.join('.')}: ${issue.message}`),
    );
  return parsed.data ?? { endpoints: [] };
}
