import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { PubSub, type Message, type Subscription } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPubSubEmulator, type PubSubEmulator } from '../../../local/pubsub/start-pubsub-emulator.js';
import { sendDelivery } from './serve-webhook.js';

const PROJECT = 'pkgrelay-webhook-it';
const TOPIC = 'pkgrelay-releases-it';
const SECRET = 'integration-secret';

describe('webhook function on the Pub/Sub emulator', () => {
  let emulator: PubSubEmulator;
  let subscription: Subscription;
  let server: Server;
  let url: string;
  const messages: Message[] = [];

  beforeAll(async () => {
    emulator = await startPubSubEmulator();
    const folder = mkdtempSync(join(tmpdir(), 'pkgrelay-webhook-'));
    writeFileSync(
      join(folder, 'repositories.json'),
      JSON.stringify({ repositories: [{ repository: 'Acme/Widgets' }] }),
    );
    // index.ts reads its configuration from the environment on the first request, as in production.
    Object.assign(process.env, {
      PUBSUB_EMULATOR_HOST: emulator.host,
      METADATA_SERVER_DETECTION: 'none',
      PKGRELAY_CONFIG: join(folder, 'repositories.json'),
      PKGRELAY_PROJECT_ID: PROJECT,
      PKGRELAY_RELEASES_TOPIC: TOPIC,
      PKGRELAY_WEBHOOK_SECRETS: `${SECRET},older-secret`,
      PKGRELAY_LOG_LEVEL: 'WARNING',
    });
    const pubsub = new PubSub({ projectId: PROJECT, apiEndpoint: emulator.host, emulatorMode: true });
    const [topic] = await pubsub.createTopic(TOPIC);
    [subscription] = await topic.createSubscription('releases-it-pull');
    subscription.on('message', (message: Message) => {
      messages.push(message);
      message.ack();
    });
    await import('../../../functions/webhook/index.js');
    server = getTestServer('webhook');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    server?.close();
    await subscription?.close().catch(() => {});
    await emulator?.stop();
  });

  it('answers 202 once the release request is on the topic, and the message is the exact request', async () => {
    const payload = {
      action: 'published',
      release: { tag_name: 'v1.4.0', draft: false, prerelease: false },
      repository: { full_name: 'acme/widgets' },
    };
    const answer = await sendDelivery(url, {
      event: 'release',
      deliveryId: 'it-delivery-1',
      payload,
      secret: SECRET,
    });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({
      status: 'accepted',
      job: { repository: 'Acme/Widgets', tag: 'v1.4.0', version: '1.4.0' },
    });
    const deadline = Date.now() + 10_000;
    while (messages.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message?.id).toBe(answer.body['messageId']);
    expect(JSON.parse(message?.data.toString('utf8') ?? '')).toEqual({
      repository: 'Acme/Widgets',
      tag: 'v1.4.0',
      source: { kind: 'webhook', deliveryId: 'it-delivery-1', event: 'release' },
    });
    expect(message?.attributes).toEqual({
      deliveryId: 'it-delivery-1',
      event: 'release',
      repository: 'Acme/Widgets',
    });
  });

  it('answers 503 with a redelivery hint once Pub/Sub is gone', async () => {
    await subscription.close();
    await emulator.stop();
    const started = Date.now();
    const answer = await sendDelivery(url, {
      event: 'create',
      deliveryId: 'it-delivery-2',
      payload: { ref: 'v1.5.0', ref_type: 'tag', repository: { full_name: 'Acme/Widgets' } },
      secret: SECRET,
    });
    const elapsed = Date.now() - started;
    expect(answer.status).toBe(503);
    expect(answer.body['reason']).toMatch(/redeliver it from the hook settings on GitHub/);
    console.log(`webhook: 503 after ${elapsed} ms without Pub/Sub`);
  });
});
