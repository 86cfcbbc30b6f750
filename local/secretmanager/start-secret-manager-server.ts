import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { computeCrc32c } from '../../shared/adapters/compute-crc32c.js';
import { sendGoogleError } from '../cloudbuild/send-google-error.js';

export interface SecretManagerServerOptions {
  /** `projects/P/secrets/NAME/versions/V` reads the file `secretsDir/NAME`, as the Cloud Build stand-in does. */
  secretsDir: string;
  port?: number;
}

export interface SecretManagerServer {
  url: string;
  /** The secret versions asked for, by name (never their values), for tests to assert on. */
  accessed: string[];
  close(): Promise<void>;
}

// Secret ids as Secret Manager allows them; every file holds one version, "1", which "latest" names.
const VERSION = /^projects\/([^/]+)\/secrets\/([A-Za-z0-9_-]{1,255})\/versions\/(latest|1)$/;

/** The part of Secret Manager's v1 REST API pkgrelay uses: `GET …/versions/V:access`, over a local folder. */
export async function startSecretManagerServer({
  secretsDir,
  port = 0,
}: SecretManagerServerOptions): Promise<SecretManagerServer> {
  const accessed: string[] = [];
  const app = new Hono();
  app.get('/v1/*', async (context) => {
    const path = decodeURIComponent(new URL(context.req.url).pathname.slice('/v1/'.length));
    if (!path.endsWith(':access')) return sendGoogleError(context, 404, `Method not found: ${path}`);
    const name = path.slice(0, -':access'.length);
    const match = VERSION.exec(name);
    if (!match) return sendGoogleError(context, 400, `Invalid resource field value in the request: ${name}`);
    accessed.push(name);
    const [, project, secret] = match;
    let data: Buffer;
    try {
      data = await readFile(join(secretsDir, secret ?? ''));
    } catch {
      return sendGoogleError(
        context,
        404,
        `Secret [projects/${project}/secrets/${secret}] not found or has no versions.`,
      );
    }
    return context.json({
      name: `projects/${project}/secrets/${secret}/versions/1`,
      // int64 travels as a decimal string in Google's JSON mapping.
      payload: { data: data.toString('base64'), dataCrc32c: String(await computeCrc32c(data)) },
    });
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, () =>
      resolve(started as Server),
    );
    started.once('error', reject);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    accessed,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
