import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Storage } from '@google-cloud/storage';
import { createLogger } from '../../../shared/log/create-logger.js';
import { startStorageServer } from '../../../local/storage/start-storage-server.js';
import type {
  MutationRateOptions,
  StorageFaultOptions,
  StorageServer,
} from '../../../local/storage/start-storage-server.js';

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
}

export interface TestStorage {
  server: StorageServer;
  storage: Storage;
  dataDir: string;
  /** Every request the server answered, from its structured log, to see which API calls the client made. */
  requests: LoggedRequest[];
  /** Starts a new server on the same data folder (after `server.close()`), as a restart would. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A storage server on an ephemeral port over a fresh temp folder, and a real client pointed at it. */
export async function startTestStorage(
  faults?: StorageFaultOptions,
  objectMutationRate?: MutationRateOptions,
): Promise<TestStorage> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pkgrelay-storage-'));
  const requests: LoggedRequest[] = [];
  const logger = createLogger({
    write: (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry['message'] === 'request') requests.push(entry as unknown as LoggedRequest);
    },
  });
  const start = () =>
    startStorageServer({
      dataDir,
      logger,
      ...(faults && { faults }),
      ...(objectMutationRate && { objectMutationRate }),
    });
  const test: TestStorage = {
    server: await start(),
    storage: undefined as unknown as Storage,
    dataDir,
    requests,
    async restart() {
      test.server = await start();
      test.storage = clientFor(test.server.url);
    },
    async stop() {
      await test.server.close().catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  test.storage = clientFor(test.server.url);
  return test;
}

/** The client as pkgrelay's adapters build it: only the endpoint differs from production, and no credentials exist. */
export function clientFor(apiEndpoint: string): Storage {
  return new Storage({ apiEndpoint, projectId: 'local-project', retryOptions: { maxRetries: 0 } });
}
