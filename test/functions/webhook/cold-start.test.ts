import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { describe, expect, it } from 'vitest';
import { sendDelivery } from './serve-webhook.js';

// CommonJS packages imported from ESM land in require.cache too: a way to see which client libraries a process loaded.
const loadedCloudClients = () =>
  Object.keys(createRequire(import.meta.url).cache).filter((path) =>
    /node_modules\/(@google-cloud\/pubsub|google-gax|@grpc\/grpc-js)\//.test(path),
  );

describe('webhook cold start', () => {
  it('refuses forged deliveries and answers pings without loading any cloud client', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'pkgrelay-cold-'));
    writeFileSync(
      join(folder, 'repositories.json'),
      JSON.stringify({ repositories: [{ repository: 'Acme/Widgets' }] }),
    );
    Object.assign(process.env, {
      PKGRELAY_CONFIG: join(folder, 'repositories.json'),
      PKGRELAY_PROJECT_ID: 'cold-start',
      PKGRELAY_WEBHOOK_SECRETS: 'cold-secret',
      PKGRELAY_LOG_LEVEL: 'ERROR',
    });
    await import('../../../functions/webhook/index.js');
    expect(loadedCloudClients()).toEqual([]);

    const server = getTestServer('webhook');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const release = {
      action: 'published',
      release: { tag_name: 'v1.0', draft: false, prerelease: false },
      repository: { full_name: 'Acme/Widgets' },
    };
    try {
      expect((await sendDelivery(url, { event: 'release', payload: release, secret: 'forged' })).status).toBe(
        401,
      );
      expect((await sendDelivery(url, { event: 'release', payload: release })).status).toBe(401);
      expect(
        (await sendDelivery(url, { event: 'ping', payload: { hook_id: 1 }, secret: 'cold-secret' })).status,
      ).toBe(200);
      expect(loadedCloudClients()).toEqual([]);
    } finally {
      server.close();
    }
    // The check above can see a loaded client: importing one shows up at once.
    await import('@google-cloud/pubsub');
    expect(loadedCloudClients()).not.toEqual([]);
  });
});
