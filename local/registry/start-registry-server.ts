import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { silentLogger, type Logger } from '../../shared/log/create-logger.js';
import type { BasicCredentials } from './check-basic-auth.js';
import { createPackageStore } from './create-package-store.js';
import { createRegistryApp } from './create-registry-app.js';

export interface RegistryServerOptions {
  /** Folder the caller owns; uploaded files and their metadata live here across restarts. */
  dataDir: string;
  host?: string;
  /** 0 (the default) picks a free ephemeral port. */
  port?: number;
  logger?: Logger;
  /** When set, every upload and read needs these HTTP Basic credentials. */
  credentials?: BasicCredentials;
}

export interface RegistryServer {
  /** `http://127.0.0.1:PORT`, without a trailing slash. */
  url: string;
  port: number;
  /** The base URL of one Python repository, like `https://REGION-python.pkg.dev/PROJECT/REPO/`; ends with `/`. */
  repositoryUrl(project: string, repository: string): string;
  close(): Promise<void>;
}

/**
 * Starts the Artifact Registry Python repository stand-in: `twine upload --repository-url
 * <repositoryUrl>` uploads to it and `pip install --index-url <repositoryUrl>simple/` installs from it.
 */
export async function startRegistryServer({
  dataDir,
  host = '127.0.0.1',
  port = 0,
  logger = silentLogger,
  credentials,
}: RegistryServerOptions): Promise<RegistryServer> {
  const log = logger.child({ component: 'registry' });
  const store = await createPackageStore(dataDir);
  const app = createRegistryApp({ store, logger: log, ...(credentials ? { credentials } : {}) });
  const server = createServer(getRequestListener(app.fetch));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${actualPort}`;
  log.info('registry listening', { url, dataDir, auth: credentials !== undefined });
  return {
    url,
    port: actualPort,
    repositoryUrl: (project, repository) =>
      `${url}/${encodeURIComponent(project)}/${encodeURIComponent(repository)}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // pip and twine keep connections alive; without this, close waits for them to time out.
        server.closeAllConnections();
      }),
  };
}
