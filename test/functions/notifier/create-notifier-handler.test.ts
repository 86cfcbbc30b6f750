import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifierHandler, deliveryPath } from '../../../functions/notifier/create-notifier-handler.js';
import { resolveEndpoints } from '../../../functions/notifier/resolve-endpoints.js';
import { Notifications } from '../../../shared/config/notification-config.js';
import type { JobEvent } from '../../../shared/events/job-event.js';
import { EVENT_SIGNATURE_HEADER } from '../../../shared/events/sign-event-body.js';
import { verifySignature } from '../../../shared/github/verify-signature.js';
import { TransientError } from '../../../shared/errors.js';
import { silentLogger } from '../../../shared/log/create-logger.js';
import { createMemoryDocumentStore } from '../../fakes/create-memory-document-store.js';
import { pubsubEvent } from '../../fakes/pubsub-event.js';
import { refuseWritesForRate } from '../../fakes/refuse-writes-for-rate.js';
import {
  startNotificationReceiver,
  type NotificationReceiver,
} from '../../support/start-notification-receiver.js';

const FAILED: JobEvent = {
  schemaVersion: 1,
  id: 'octo-org/widgets@v1.0.0#1/2',
  type: 'transition',
  at: '2026-12-01T10:00:00.000Z',
  repository: 'Octo-Org/Widgets',
  tag: 'v1.0.0',
  version: '1.0.0',
  attempt: 1,
  state: 'failed',
  previousState: 'building',
  error: { code: 'BUILD_FAILED', message: 'step "build": <b>setup.py</b> & friends failed', step: 'build' },
  build: { id: 'b-1', logUrl: 'http://127.0.0.1:1/logs/b-1' },
  statusPath: 'jobs/octo-org/widgets/v1.0.0.json',
};

describe('the notifier', () => {
  let receiver: NotificationReceiver;
  beforeAll(async () => {
    receiver = await startNotificationReceiver({
      status: (path) => (path.startsWith('/gone') ? 404 : path.startsWith('/flaky') ? 503 : undefined),
    });
  });
  afterAll(() => receiver.close());

  const endpointsOf = (endpoints: unknown[], env: Record<string, string> = {}) =>
    resolveEndpoints(Notifications.parse({ endpoints }), env);

  it('sends a failure to Slack, Google Chat and a signed webhook in their own formats, once each', async () => {
    const store = createMemoryDocumentStore();
    const handle = createNotifierHandler({
      endpoints: endpointsOf(
        [
          { name: 'slack', format: 'slack', urlSecret: 'slack-url' },
          { name: 'chat', format: 'google-chat', url: `${receiver.url}/chat?key=k&token=t` },
          { name: 'hook', format: 'webhook', url: `${receiver.url}/hook`, signingSecret: 'hook-key' },
          { name: 'other', format: 'slack', url: `${receiver.url}/other`, repositories: ['someone/else'] },
        ],
        { PKGRELAY_SECRET_SLACK_URL: `${receiver.url}/slack\n`, PKGRELAY_SECRET_HOOK_KEY: 'k3y' },
      ),
      store,
      logger: silentLogger,
    });
    const outcome = await handle(pubsubEvent(FAILED));
    expect(outcome).toEqual({ outcome: 'delivered', endpoints: ['slack', 'chat', 'hook'], refused: [] });
    const byPath = (prefix: string) => receiver.received.filter((request) => request.path.startsWith(prefix));
    const slack = JSON.parse(byPath('/slack')[0]!.body.toString()) as {
      text: string;
      blocks: Array<{ type: string; text: { type: string; text: string } }>;
    };
    expect(slack.text).toBe('Build failed: Octo-Org/Widgets v1.0.0');
    expect(slack.blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
    // Build text is escaped: no markup of Slack's can come from a build.
    expect(slack.blocks[0]!.text.text).toContain('&lt;b&gt;setup.py&lt;/b&gt; &amp; friends');
    expect(slack.blocks[0]!.text.text).toContain('<http://127.0.0.1:1/logs/b-1|build log>');

    const chat = byPath('/chat')[0]!;
    expect(new URL(chat.path, receiver.url).searchParams.get('messageReplyOption')).toBe(
      'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD',
    );
    expect(new URL(chat.path, receiver.url).searchParams.get('token')).toBe('t');
    expect(JSON.parse(chat.body.toString())).toMatchObject({
      text: expect.stringContaining('*Build failed: Octo-Org/Widgets v1.0.0*') as string,
      thread: { threadKey: 'pkgrelay-octo-org/widgets-v1.0.0' },
    });

    const hook = byPath('/hook')[0]!;
    const signature = hook.headers[EVENT_SIGNATURE_HEADER] as string;
    expect(verifySignature(hook.body, signature, ['k3y'])).toEqual({ success: true, data: undefined });
    expect(verifySignature(hook.body, signature, ['wrong'])).toMatchObject({ success: false });
    expect(JSON.parse(hook.body.toString())).toEqual(FAILED);
    expect(hook.headers['x-pkgrelay-delivery']).toBe(FAILED.id);
    expect(byPath('/other')).toEqual([]);

    // A redelivery tells nobody again: each endpoint's delivery is recorded.
    const before = receiver.received.length;
    expect(await handle(pubsubEvent(FAILED))).toMatchObject({ outcome: 'delivered' });
    expect(receiver.received.length).toBe(before);
    expect(store.snapshot()[deliveryPath(FAILED.id, 'hook')]).toMatchObject({ status: 200 });
  });

  it('throws for a failing endpoint so Pub/Sub retries, and does not retry a refusal', async () => {
    const store = createMemoryDocumentStore();
    const handle = createNotifierHandler({
      endpoints: endpointsOf([
        { name: 'flaky', format: 'slack', url: `${receiver.url}/flaky` },
        { name: 'gone', format: 'slack', url: `${receiver.url}/gone` },
        { name: 'fine', format: 'slack', url: `${receiver.url}/fine` },
      ]),
      store,
      logger: silentLogger,
    });
    await expect(handle(pubsubEvent(FAILED))).rejects.toThrow(/Unable to notify flaky/);
    const fine = () => receiver.received.filter((request) => request.path === '/fine').length;
    expect(fine()).toBe(1);
    await expect(handle(pubsubEvent(FAILED))).rejects.toThrow(/flaky/);
    // Only the failing endpoint is tried again; the refused one was recorded and is not.
    expect(fine()).toBe(1);
    expect(receiver.received.filter((request) => request.path === '/gone')).toHaveLength(1);
  });

  it('reports a redelivery as the first delivery recorded it, refused or told, and sends nothing', async () => {
    const handle = createNotifierHandler({
      endpoints: endpointsOf([
        { name: 'gone', format: 'slack', url: `${receiver.url}/gone` },
        { name: 'fine', format: 'slack', url: `${receiver.url}/fine` },
      ]),
      store: createMemoryDocumentStore(),
      logger: silentLogger,
    });
    const first = await handle(pubsubEvent(FAILED));
    expect(first).toEqual({ outcome: 'delivered', endpoints: ['fine'], refused: ['gone'] });
    const sent = receiver.received.length;
    expect(await handle(pubsubEvent(FAILED))).toEqual(first);
    expect(receiver.received.length).toBe(sent);
  });

  it('sends what each endpoint asked for: failures and drift by default, publications when listed', async () => {
    const store = createMemoryDocumentStore();
    const handle = createNotifierHandler({
      endpoints: endpointsOf([
        { name: 'alerts', format: 'slack', url: `${receiver.url}/alerts` },
        { name: 'releases', format: 'slack', url: `${receiver.url}/releases`, on: ['published'] },
      ]),
      store,
      logger: silentLogger,
    });
    const published: JobEvent = { ...FAILED, id: 'x#1/3', state: 'published', error: undefined } as JobEvent;
    delete (published as Partial<JobEvent>).error;
    expect(await handle(pubsubEvent(published))).toMatchObject({ endpoints: ['releases'] });
    const building: JobEvent = { ...published, id: 'x#1/1', state: 'building' };
    expect(await handle(pubsubEvent(building))).toEqual({
      outcome: 'ignored',
      reason: 'no endpoint wants it',
    });
    expect(await handle(pubsubEvent('not json'))).toEqual({ outcome: 'ignored', reason: 'not a job event' });
  });

  it('refuses at cold start an endpoint whose secret is not in the environment, naming the variable', () => {
    expect(() => endpointsOf([{ name: 'slack', format: 'slack', urlSecret: 'slack-url' }])).toThrow(
      /PKGRELAY_SECRET_SLACK_URL is not set/,
    );
    expect(() =>
      Notifications.parse({ endpoints: [{ name: 'h', format: 'webhook', url: 'https://x.example/' }] }),
    ).toThrow(/signingSecret/);
  });

  it('records a delivery refused once for the write rate, so a redelivery tells nobody again', async () => {
    const memory = createMemoryDocumentStore();
    const store = refuseWritesForRate(memory, (path) => path.startsWith('notifications/'));
    const handle = createNotifierHandler({
      endpoints: endpointsOf([
        { name: 'rated', format: 'slack', url: `${receiver.url}/rated` },
        { name: 'gone', format: 'slack', url: `${receiver.url}/gone/rated` },
      ]),
      store,
      logger: silentLogger,
    });
    const event = { ...FAILED, id: 'rated#1/1' };
    expect(await handle(pubsubEvent(event))).toEqual({
      outcome: 'delivered',
      endpoints: ['rated'],
      refused: ['gone'],
    });
    expect(store.refused()).toBe(2);
    expect(memory.snapshot()[deliveryPath(event.id, 'rated')]).toMatchObject({ status: 200 });
    expect(memory.snapshot()[deliveryPath(event.id, 'gone')]).toMatchObject({ status: 404 });
    const sent = () => receiver.received.filter((request) => request.path.includes('rated')).length;
    expect(sent()).toBe(2);
    await handle(pubsubEvent(event));
    expect(sent()).toBe(2);
  });

  it('throws a transient error while the write rate refuses its record, so Pub/Sub redelivers', async () => {
    const store = refuseWritesForRate(createMemoryDocumentStore(), () => true, { times: Infinity });
    const handle = createNotifierHandler({
      endpoints: endpointsOf([{ name: 'kept', format: 'slack', url: `${receiver.url}/kept` }]),
      store,
      logger: silentLogger,
    });
    await expect(handle(pubsubEvent({ ...FAILED, id: 'kept#1/1' }))).rejects.toBeInstanceOf(TransientError);
  });
});
