import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { silentLogger, type Logger } from '../../shared/log/create-logger.js';
import { createBuildNotifier } from './create-build-notifier.js';
import { createBuildService } from './create-build-service.js';
import { createBuildStore } from './create-build-store.js';
import { createCloudBuildRoutes } from './create-cloud-build-routes.js';
import type { LocalImage, SandboxKind } from './place-step-in-sandbox.js';
import { verifySandbox } from './verify-sandbox.js';
import type { SecretAccess } from './check-secret-access.js';
import { openBuildStorage } from './open-build-storage.js';

export interface CloudBuildServerOptions {
  /** Owned by the caller: builds, their workspaces and logs are kept under `dataDir/builds/ID/`. */
  dataDir: string;
  /** `availableSecrets` version `projects/P/secrets/NAME/versions/V` reads the file `secretsDir/NAME`. */
  secretsDir?: string;
  /**
   * Which secrets each service account (by email; '' for a build without one) may read, as IAM would
   * grant `secretmanager.secretAccessor`; unset, every build may read every secret in `secretsDir`.
   */
  secretAccess?: SecretAccess;
  /** The storage endpoint (the storage stand-in) for `source.storageSource` and `artifacts.objects`. */
  storage?: { apiEndpoint: string; projectId: string };
  /** The project `PROJECT_ID` stands for when none is in the path; informational only. */
  projectId?: string;
  host?: string;
  /** 0 (the default) picks a free ephemeral port. */
  port?: number;
  /** Where to publish build notifications (topic `cloud-builds`); none are sent without it. */
  pubsub?: { projectId: string; apiEndpoint: string };
  /** Builds run at once; the rest wait in QUEUED. */
  concurrency?: number;
  /** pip's and uv's caches (`pip/`, `uv/`), shared by every step of every build, as a cache volume would be. */
  cacheDir?: string;
  /** Step images it has locally (bound read-only over the system in the sandbox); any other runs on the host's. */
  images?: readonly LocalImage[];
  /**
   * 'bwrap' (the default) runs each step under bubblewrap, seeing only its workspace, home, output, the
   * caches and the system read-only, as in a container; 'none' runs steps as plain host processes.
   */
  sandbox?: SandboxKind;
  /** Keep each finished build's workspace and home under `dataDir` (Cloud Build discards them; default false). */
  keepWorkspaces?: boolean;
  logger?: Logger;
}

export interface CloudBuildServer {
  url: string;
  port: number;
  /** Cancels queued and running builds, sends their notifications, then stops listening. */
  close(): Promise<void>;
}

/** Starts the Cloud Build stand-in: the v1 REST API for builds, with each step run in a sandbox. */
export async function startCloudBuildServer({
  dataDir,
  secretsDir,
  secretAccess,
  storage,
  projectId,
  host = '127.0.0.1',
  port = 0,
  pubsub,
  concurrency = 2,
  cacheDir,
  images,
  sandbox = 'bwrap',
  keepWorkspaces = false,
  logger = silentLogger,
}: CloudBuildServerOptions): Promise<CloudBuildServer> {
  const log = logger.child({ component: 'cloudbuild-stand-in' });
  const usable = await verifySandbox(sandbox);
  if (!usable.success) throw new Error(usable.error);
  const store = await createBuildStore(dataDir);
  const notifier = createBuildNotifier({ ...(pubsub ? { pubsub } : {}), logger: log });
  let logBase = '';
  const service = createBuildService({
    store,
    notifier,
    logger: log,
    secretsDir,
    ...(secretAccess ? { secretAccess } : {}),
    ...(storage ? { storage: openBuildStorage(storage) } : {}),
    concurrency,
    cacheDir,
    images,
    sandbox,
    keepWorkspaces,
    // The port is known only once listening, before any build can be created.
    logUrlOf: (id) => `${logBase}/${id}`,
  });
  const app = createCloudBuildRoutes(service);
  const server = await new Promise<Server>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(started as Server));
    started.once('error', reject);
  });
  const chosen = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${chosen}`;
  logBase = `${url}/logs`;
  log.info('Cloud Build stand-in listening', { url, dataDir, concurrency, projectId, sandbox });
  return {
    url,
    port: chosen,
    close: async () => {
      await service.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      log.info('Cloud Build stand-in stopped', { url });
    },
  };
}
