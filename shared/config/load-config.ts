import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { repositoryKey } from '../contracts/repository-name.js';
import { parseWebhookSecrets } from './read-webhook-secrets.js';
import { RepositoriesFile, type RepositoryConfig } from './repository-config.js';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => ['true', '1', 'yes'].includes(value));

const secretsList = z.string().transform(parseWebhookSecrets);

/** Every environment variable pkgrelay reads; the README's table mirrors this. */
const Environment = z.object({
  PKGRELAY_CONFIG: z.string().min(1, 'set it to the path of the repositories file (JSON)'),
  PKGRELAY_PROJECT_ID: z.string().min(1).optional(),
  GOOGLE_CLOUD_PROJECT: z.string().min(1).optional(),
  PKGRELAY_REGION: z.string().default('us-central1'),
  PKGRELAY_UPSTREAM_BASE: z.string().min(1).default('https://github.com'),
  PKGRELAY_WEBHOOK_SECRETS: secretsList.optional(),
  PKGRELAY_RELEASES_TOPIC: z.string().default('pkgrelay-releases'),
  PKGRELAY_BUILD_EVENTS_TOPIC: z.string().default('cloud-builds'),
  PKGRELAY_BUCKET: z.string().min(3).optional(),
  PKGRELAY_REGISTRY_URL: z.url().optional(),
  PKGRELAY_CLOUDBUILD_ENDPOINT: z.url().optional(),
  PKGRELAY_BUILD_ISOLATION: booleanFlag.default(true),
  PKGRELAY_REGISTRY_AUTH: z.enum(['google', 'none']).default('google'),
  PKGRELAY_BUILD_TIMEOUT_SECONDS: z.coerce.number().int().min(60).max(86_400).default(1200),
  PKGRELAY_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(120),
  PKGRELAY_BUILD_SERVICE_ACCOUNT: z.string().optional(),
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
  repositories: readonly RepositoryConfig[];
  upstreamBase: string;
  webhookSecrets: readonly string[];
  releasesTopic: string;
  buildEventsTopic: string;
  bucket: string | undefined;
  registryUrl: string | undefined;
  cloudBuildEndpoint: string | undefined;
  buildIsolation: boolean;
  registryAuth: 'google' | 'none';
  buildTimeoutSeconds: number;
  leaseSeconds: number;
  buildServiceAccount: string | undefined;
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
    repositories: readRepositories(e.PKGRELAY_CONFIG, readFile),
    upstreamBase: e.PKGRELAY_UPSTREAM_BASE.replace(/\/+$/, ''),
    webhookSecrets: e.PKGRELAY_WEBHOOK_SECRETS ?? [],
    releasesTopic: e.PKGRELAY_RELEASES_TOPIC,
    buildEventsTopic: e.PKGRELAY_BUILD_EVENTS_TOPIC,
    bucket: e.PKGRELAY_BUCKET,
    registryUrl: e.PKGRELAY_REGISTRY_URL && withTrailingSlash(e.PKGRELAY_REGISTRY_URL),
    cloudBuildEndpoint: e.PKGRELAY_CLOUDBUILD_ENDPOINT,
    buildIsolation: e.PKGRELAY_BUILD_ISOLATION,
    registryAuth: e.PKGRELAY_REGISTRY_AUTH,
    buildTimeoutSeconds: e.PKGRELAY_BUILD_TIMEOUT_SECONDS,
    leaseSeconds: e.PKGRELAY_LEASE_SECONDS,
    buildServiceAccount: e.PKGRELAY_BUILD_SERVICE_ACCOUNT,
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
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, [`is not valid JSON: ${(error as Error).message}`]);
  }
  const parsed = RepositoriesFile.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(
      path,
      parsed.error.issues.map((issue) => `${describePath(issue.path, json)}: ${issue.message}`),
    );
  }
  const seen = new Set<string>();
  const duplicates = parsed.data.repositories
    .map((repo) => repo.repository)
    .filter((name) => seen.size === seen.add(repositoryKey(name)).size);
  if (duplicates.length) {
    throw new ConfigError(
      path,
      duplicates.map((name) => `repositories: "${name}" is listed twice; keep one entry`),
    );
  }
  return parsed.data.repositories;
}

// Names an entry by its repository (and a package by its name) rather than its index, so the error points at the right line.
function describePath(path: readonly PropertyKey[], json: unknown): string {
  if (path[0] === 'repositories' && typeof path[1] === 'number') {
    const entry = (json as { repositories: Array<Record<string, unknown>> }).repositories[path[1]];
    const head = `repositories[${path[1]}]${named(entry?.['repository'])}`;
    if (path[2] === 'packages' && typeof path[3] === 'number') {
      const packages = entry?.['packages'] as Array<Record<string, unknown> | undefined>;
      const name = named(packages[path[3]]?.['name']);
      return [head, `packages[${path[3]}]${name}`, ...path.slice(4).map(String)].join('.');
    }
    return [head, ...path.slice(2).map(String)].join('.');
  }
  return path.map(String).join('.') || '(file)';
}

function named(value: unknown): string {
  return typeof value === 'string' ? ` (${value})` : '';
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
