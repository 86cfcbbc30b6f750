import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '../../shared/log/create-logger.js';
import type { Logger } from '../../shared/log/create-logger.js';
import { createFaultInjector } from './create-fault-injector.js';
import { createMutationLimiter } from './create-mutation-limiter.js';
import type { MutationRateOptions } from './create-mutation-limiter.js';
import type { StorageFaultOptions } from './create-fault-injector.js';
import { backendError } from './create-storage-error.js';
import { openObjectStore } from './open-object-store.js';
import { openUploadSessions } from './open-upload-sessions.js';
import { routeStorageRequest } from './route-storage-request.js';
import { sendError } from './send-response.js';
import type { StorageContext } from './storage-context.js';

export type { FaultStatus, StorageFaultOptions } from './create-fault-injector.js';
export { FaultControlPath, MutationRateControlPath } from './route-storage-request.js';
export { CloudStorageMutationRate, type MutationRateOptions } from './create-mutation-limiter.js';

export interface StorageServerOptions {
  /** Folder the server keeps buckets, objects and open uploads in; the caller owns it and may reuse it. */
  dataDir: string;
  host?: string;
  /** 0 (the default) asks for a free ephemeral port. */
  port?: number;
  logger?: Logger;
  /** Test-only: make a fraction of object writes fail; also switchable at runtime via POST /_pkgrelay/faults. */
  faults?: StorageFaultOptions;
  /**
   * Mutations of one object name allowed per second, past which a write gets Cloud Storage's 429
   * `rateLimitExceeded` (Cloud Storage's own is `CloudStorageMutationRate`, one a second; the local stack sets
   * it). Default `'off'`, so protocol tests can write one name back to back. Also set via /_pkgrelay/mutation-rate.
   */
  objectMutationRate?: MutationRateOptions | 'off';
  /** Source of `timeCreated`/`updated` and of generations; defaults to the system clock. */
  clock?: () => Date;
}

export interface StorageServer {
  /** `http://127.0.0.1:PORT`: give it to `new Storage({ apiEndpoint })` or as `STORAGE_EMULATOR_HOST`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts the local Cloud Storage stand-in: the parts of the JSON API that `@google-cloud/storage` uses for
 * buckets and objects, with preconditions, resumable uploads and data kept on disk under `dataDir`.
 */
export async function startStorageServer(options: StorageServerOptions): Promise<StorageServer> {
  const { dataDir, host = '127.0.0.1', port = 0, logger = silentLogger, clock = () => new Date() } = options;
  const store = await openObjectStore(dataDir, { clock, nowMs: () => clock().getTime() });
  const context: StorageContext = {
    store,
    sessions: openUploadSessions(store.uploadsDir, clock),
    faults: createFaultInjector(options.faults),
    mutations: createMutationLimiter(options.objectMutationRate ?? 'off'),
    logger,
    clock,
  };

  const server = createServer((req, res) => {
    const started = performance.now();
    res.on('finish', () => {
      logger.debug('request', {
        method: req.method,
        path: req.url,
        status: res.statusCode,
        durationMs: Math.round(performance.now() - started),
      });
    });
    routeStorageRequest(context, req, res).catch((error: unknown) => {
      logger.error('request failed', { method: req.method, path: req.url, error });
      if (!res.headersSent) sendError(res, backendError());
      else res.destroy(error instanceof Error ? error : undefined);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  logger.info('storage server listening', { url, dataDir });
  return {
    url,
    port: bound,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
