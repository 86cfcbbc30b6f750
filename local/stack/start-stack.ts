import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { silentLogger, type Logger } from '../../shared/log/create-logger.js';
import { startPubSubEmulator, type PubSubEmulator } from '../pubsub/start-pubsub-emulator.js';
import {
  CloudStorageMutationRate,
  startStorageServer,
  type MutationRateOptions,
} from '../storage/start-storage-server.js';
import { startRegistryServer } from '../registry/start-registry-server.js';
import { startCloudBuildServer } from '../cloudbuild/start-cloud-build-server.js';
import { localServiceAccounts, readSecretAccess } from './read-secret-access.js';
import type { SandboxKind } from '../cloudbuild/place-step-in-sandbox.js';
import { startGitHttpServer } from '../git/start-git-http-server.js';
import { startSecretManagerServer } from '../secretmanager/start-secret-manager-server.js';
import { readUpstreamTokens } from './read-upstream-tokens.js';
import { findUpstreamFolder } from './find-upstream-folder.js';
import { scheduleReconcile } from './schedule-reconcile.js';
import { NotificationTopic } from '../cloudbuild/create-build-notifier.js';
import { applyPubSubDeclaration, declarePubSub } from './declare-pubsub.js';
import { findPackageRoot } from './find-package-root.js';
import { uploadStatusPage } from '../../shared/status-page/upload-status-page.js';
import { FUNCTION_SPECS } from './function-specs.js';
import { bakeBuilderImage } from '../python/bake-builder-image.js';
import { SHARED_BUILD_CACHE } from '../python/install-pinned-tools.js';
import { EPHEMERAL_PORTS, type StackPorts } from './read-ports.js';
import { rememberPorts } from './remember-ports.js';
import { STACK_FILE, type StackInfo } from './stack-info.js';
import { startFunction, type RunningFunction } from './start-function.js';
import { protectSecretsFolder } from './protect-secrets-folder.js';
import { writePrivateFile } from './write-private-file.js';
import { seedCatalog } from './seed-catalog.js';
import { readSecretsEnvironment } from './read-secrets-environment.js';

export interface StackOptions {
  /** Where the stack keeps its data, logs, secrets and stack.json (`.pkgrelay` for `npm start`). */
  rootDir: string;
  ports?: StackPorts;
  projectId?: string;
  bucket?: string;
  /** The private bucket holding the served repositories; default `pkgrelay-config`. */
  configBucket?: string;
  registryRepository?: string;
  /**
   * The repositories file; default `<rootDir>/repositories.json`, created empty. It seeds the catalog
   * object the functions read (gs://<configBucket>/repositories.json) when that has no document yet.
   */
  configPath?: string;
  /**
   * Where upstream repositories live; default `<rootDir>/upstreams` (holding `<owner>/<name>.git`). A
   * folder (this one or one named here) is served over git's smart HTTP on 127.0.0.1, as a sandboxed
   * step reaches GitHub over HTTPS; a remote URL is used as it is.
   */
  upstreamBase?: string;
  webhookSecret?: string;
  /** Run reconcile every this many seconds, as Cloud Scheduler does every minute; default never. */
  reconcileEverySeconds?: number;
  /** Which functions to run; default all. */
  functions?: readonly string[];
  /** Extra environment for the functions (e.g. a short PKGRELAY_LEASE_SECONDS in tests). */
  functionEnv?: Record<string, string>;
  maxDeliveryAttempts?: number;
  buildConcurrency?: number;
  /**
   * Builds install their tools and each project's declared backend from PyPI (PEP 517 isolation), as in
   * Cloud Build; false builds offline on the machine's own backends. Default true.
   */
  buildIsolation?: boolean;
  /**
   * Steps run on a local builder image with the pinned tools baked in, as deployed (PKGRELAY_BUILDER_IMAGE);
   * false runs them on plain `python:X` images, each build installing its tools. Default true with isolation.
   */
  builderImage?: boolean;
  /** pip's and uv's caches for every build's steps; default `~/.cache/pkgrelay`, shared by every local stack. */
  cacheDir?: string;
  /** How build steps run: 'bwrap' (default), sandboxed like a container, or 'none', as host processes. */
  buildSandbox?: SandboxKind;
  /** Writes allowed per second to one object name of the status bucket; default Cloud Storage's, one a second. */
  storageMutationRate?: MutationRateOptions | 'off';
  logger?: Logger;
  /** Called as each service becomes ready, with the milliseconds since start. */
  onReady?: (service: string, ms: number) => void;
}

export interface Stack {
  info: StackInfo;
  functions: Record<string, RunningFunction>;
  emulator: PubSubEmulator;
  stop(): Promise<void>;
}

/** Brings up the whole local Google Cloud: Pub/Sub emulator, the three stand-ins, and every function. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const started = Date.now();
  // Nothing here runs on Google Cloud: the client libraries must not wait for a metadata server.
  process.env['METADATA_SERVER_DETECTION'] ??= 'none';
  const rootDir = resolve(options.rootDir);
  const ports = options.ports ?? EPHEMERAL_PORTS;
  const projectId = options.projectId ?? 'pkgrelay-local';
  const bucket = options.bucket ?? 'pkgrelay-status';
  const stagingBucket = `${bucket}-staging`;
  const accounts = localServiceAccounts(projectId);
  const logger = options.logger ?? silentLogger;
  const ready = (service: string): void => options.onReady?.(service, Date.now() - started);
  const dataDir = join(rootDir, 'data');
  const logsDir = join(rootDir, 'logs');
  const secretsDir = join(rootDir, 'secrets');
  const upstreamsDir = join(rootDir, 'upstreams');
  await Promise.all([
    ...[dataDir, logsDir, upstreamsDir].map((dir) => mkdir(dir, { recursive: true })),
    protectSecretsFolder(secretsDir),
  ]);
  const configPath = resolve(options.configPath ?? join(rootDir, 'repositories.json'));
  if (!existsSync(configPath))
    await writeFile(configPath, JSON.stringify({ repositories: [] }, null, 2) + '\n');
  const webhookSecret = options.webhookSecret ?? (await readOrCreateSecret(join(rootDir, 'webhook-secret')));
  // gcloud asks for credentials even when its Pub/Sub endpoint is the emulator; any token will do there.
  await writePrivateFile(join(rootDir, 'gcloud-access-token'), 'local-emulator\n');

  const cleanups: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  };
  try {
    const emulatorStarting = startPubSubEmulator({ ...(ports.pubsub ? { port: ports.pubsub } : {}) });
    const cacheDir = options.cacheDir ?? SHARED_BUILD_CACHE;
    // Offline builds use the machine's own tools and backends: an image of pinned tools would shadow them.
    const baking =
      (options.buildIsolation ?? true) && (options.builderImage ?? true)
        ? bakeBuilderImage(cacheDir)
        : undefined;
    baking?.catch(() => {});
    emulatorStarting.then(
      ({ stop: halt }) => cleanups.push(halt),
      () => {},
    );
    const [storage, registry] = await Promise.all([
      startStorageServer({
        dataDir: join(dataDir, 'storage'),
        port: ports.storage,
        objectMutationRate: options.storageMutationRate ?? CloudStorageMutationRate,
        logger,
      }),
      startRegistryServer({ dataDir: join(dataDir, 'registry'), port: ports.registry, logger }),
    ]);
    cleanups.push(storage.close, registry.close);
    ready('storage');
    ready('artifactregistry');
    const image = await baking;
    if (image) ready('builder image');
    const emulator = await emulatorStarting;
    ready('pubsub');
    const pubsubOptions = { projectId, apiEndpoint: emulator.host };
    const cloudbuild = await startCloudBuildServer({
      dataDir: join(dataDir, 'cloudbuild'),
      secretsDir,
      // IAM as the deploy sets it: each private repository's builder account reads its own token only.
      secretAccess: (account) => readSecretAccess(configPath, projectId, accounts)(account),
      storage: { apiEndpoint: storage.url, projectId },
      projectId,
      port: ports.cloudbuild,
      pubsub: pubsubOptions,
      concurrency: options.buildConcurrency ?? 2,
      // Shared across stacks and tests on this machine, so a backend is downloaded once, not once per stack.
      cacheDir,
      ...(image ? { images: [image] } : {}),
      ...(options.buildSandbox ? { sandbox: options.buildSandbox } : {}),
      logger,
    });
    cleanups.push(cloudbuild.close);
    ready('cloudbuild');
    // Private repositories of the configuration are served behind their tokens from the secrets folder.
    const upstreamFolder = options.upstreamBase ? findUpstreamFolder(options.upstreamBase) : upstreamsDir;
    const upstreams = upstreamFolder
      ? await startGitHttpServer({
          projectRoot: upstreamFolder,
          repositoryTokens: await readUpstreamTokens(configPath, secretsDir),
        })
      : undefined;
    if (upstreams) cleanups.push(upstreams.close);
    const secretManager = await startSecretManagerServer({ secretsDir, port: ports.secretmanager ?? 0 });
    cleanups.push(secretManager.close);
    ready('secretmanager');

    const { Storage } = await import('@google-cloud/storage');
    const storageClient = new Storage({ apiEndpoint: storage.url, projectId });
    for (const name of [bucket, stagingBucket])
      await storageClient.createBucket(name).catch((error: { code?: number }) => {
        if (error.code !== 409) throw error;
      });
    // The status page lives in the bucket beside the JSON it reads, served at the stand-in's public URL.
    const statusPage = await uploadStatusPage(
      storageClient.bucket(bucket),
      join(findPackageRoot(), 'status-page'),
      { publicBase: storage.url },
    );

    const catalog = await seedCatalog(
      storageClient.bucket(options.configBucket ?? 'pkgrelay-config'),
      configPath,
    );

    const registryUrl = registry.repositoryUrl(projectId, options.registryRepository ?? 'pkgrelay');
    const env: Record<string, string> = {
      PKGRELAY_PROJECT_ID: projectId,
      GOOGLE_CLOUD_PROJECT: projectId,
      PKGRELAY_CONFIG: catalog.url,
      // The notifier reads its endpoints once at start, from the repositories file the catalog was seeded from.
      PKGRELAY_NOTIFICATIONS_CONFIG: configPath,
      PKGRELAY_UPSTREAM_BASE: upstreams?.url ?? options.upstreamBase ?? '',
      PKGRELAY_WEBHOOK_SECRETS: webhookSecret,
      PKGRELAY_BUCKET: bucket,
      PKGRELAY_STAGING_BUCKET: stagingBucket,
      PKGRELAY_BUILD_SERVICE_ACCOUNT: accounts.builder,
      PKGRELAY_PUBLISH_SERVICE_ACCOUNT: accounts.publisher,
      PKGRELAY_REGISTRY_URL: registryUrl,
      PKGRELAY_CLOUDBUILD_ENDPOINT: cloudbuild.url,
      PKGRELAY_SECRETMANAGER_ENDPOINT: secretManager.url,
      PKGRELAY_BUILD_ISOLATION: String(options.buildIsolation ?? true),
      PKGRELAY_REGISTRY_AUTH: 'none',
      ...(image ? { PKGRELAY_BUILDER_IMAGE: image.name } : {}),
      // Short, so a dead worker's job is taken over soon; a redelivery that meets a lease ending within
      // 15 s waits it out in the worker instead of spending its delivery attempts.
      PKGRELAY_LEASE_SECONDS: '10',
      PUBSUB_EMULATOR_HOST: emulator.host,
      STORAGE_EMULATOR_HOST: storage.url,
      METADATA_SERVER_DETECTION: 'none',
      ...options.functionEnv,
    };
    // The notifier alone reads its secrets, from the secrets folder as Cloud Functions maps them from Secret Manager.
    const notifierEnv = { ...env, ...(await readSecretsEnvironment(secretsDir)) };
    const root = findPackageRoot();
    const names = options.functions ?? Object.keys(FUNCTION_SPECS);
    const running = await Promise.all(
      names.map(async (name) => {
        const spec = FUNCTION_SPECS[name];
        if (!spec)
          throw new Error(`Unknown function "${name}"; known: ${Object.keys(FUNCTION_SPECS).join(', ')}`);
        const fn = await startFunction(
          { ...spec, source: join(root, spec.source) },
          {
            env: name === 'notifier' ? notifierEnv : env,
            logFile: join(logsDir, `${name}.log`),
            ...(ports.functions[name] ? { port: ports.functions[name] } : {}),
          },
        );
        cleanups.push(fn.stop);
        ready(`function ${name}`);
        return [name, fn] as const;
      }),
    );
    const functions = Object.fromEntries(running);
    const urls = Object.fromEntries(running.map(([name, fn]) => [name, fn.url]));

    const { PubSub } = await import('@google-cloud/pubsub');
    const pubsub = new PubSub({ ...pubsubOptions, emulatorMode: true });
    cleanups.push(() => pubsub.close());
    const releasesTopic = 'pkgrelay-releases';
    await applyPubSubDeclaration(
      pubsub,
      declarePubSub({
        projectId,
        releasesTopic,
        buildEventsTopic: NotificationTopic,
        jobEventsTopic: JOB_EVENTS_TOPIC,
        functionUrls: urls,
        // Local pushes to a dead function come back about once a second: 10 attempts outlast a restart.
        maxDeliveryAttempts: options.maxDeliveryAttempts ?? 10,
      }),
    );
    ready('pubsub topics and subscriptions');

    const info: StackInfo = {
      projectId,
      pubsub: {
        host: emulator.host,
        topic: releasesTopic,
        deadLetterTopic: `${releasesTopic}-dead-letter`,
        buildEventsTopic: NotificationTopic,
        jobEventsTopic: JOB_EVENTS_TOPIC,
      },
      storage: { host: storage.url, bucket },
      statusPage: { url: statusPage.url },
      cloudbuild: { host: cloudbuild.url },
      secretmanager: { host: secretManager.url },
      registry: { url: registryUrl },
      index: { url: `${registryUrl}simple/` },
      webhook: { url: urls['webhook'] ?? '', secret: webhookSecret },
      functions: urls,
      configPath,
      catalog,
      upstreamBase: env['PKGRELAY_UPSTREAM_BASE'] ?? '',
      ...(upstreamFolder ? { upstreamsDir: upstreamFolder } : {}),
      dataDir,
      logsDir,
      pids: Object.fromEntries([
        ['pubsub', emulator.pid],
        ['stack', process.pid],
        ...running.map(([name, fn]) => [name, fn.process.pid ?? -1] as const),
      ]),
      startedAt: new Date().toISOString(),
    };
    // It holds the webhook secret.
    await writePrivateFile(join(rootDir, STACK_FILE), JSON.stringify(info, null, 2) + '\n');
    cleanups.unshift(() => rm(join(rootDir, STACK_FILE), { force: true }));
    await rememberPorts(rootDir, info);
    if (options.reconcileEverySeconds && urls['reconcile']) {
      const stopSchedule = scheduleReconcile(urls['reconcile'], options.reconcileEverySeconds);
      // Stopped first, before the function it calls.
      cleanups.push(async () => stopSchedule());
    }
    return { info, functions, emulator, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

const JOB_EVENTS_TOPIC = 'pkgrelay-job-events';

async function readOrCreateSecret(path: string): Promise<string> {
  try {
    const secret = (await readFile(path, 'utf8')).trim();
    // One written by an older pkgrelay may be 0644.
    await chmod(path, 0o600);
    return secret;
  } catch {
    const secret = randomBytes(24).toString('hex');
    await writePrivateFile(path, secret + '\n');
    return secret;
  }
}
