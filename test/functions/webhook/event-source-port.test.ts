import { timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookHandler } from '../../../functions/webhook/create-webhook-handler.js';
import { RepositoryConfig } from '../../../shared/config/repository-config.js';
import { fixedRepositories } from '../../../shared/config/repository-provider.js';
import { silentLogger } from '../../../shared/log/create-logger.js';
import type { EventSource } from '../../../shared/ports/event-source.js';
import { FakeReleaseQueue } from './fake-release-queue.js';
import { serveWebhook } from './serve-webhook.js';

// A second source as small as the port allows: a shared token header and a JSON body naming the tag.
const tokenSource: EventSource = {
  name: 'Tokenhub',
  maxBodyBytes: 1024,
  identify: (headers) => ({
    deliveryId: headers['x-token-delivery'] as string | undefined,
    event: headers['x-token-event'] as string | undefined,
  }),
  verify: ({ headers }, secrets) => {
    const given = Buffer.from(String(headers['x-token'] ?? ''));
    const known = secrets.some(
      (secret) => secret.length === given.length && timingSafeEqual(Buffer.from(secret), given),
    );
    return known ? { success: true, data: undefined } : { success: false, error: 'the X-Token is wrong' };
  },
  read: ({ headers, rawBody }) => {
    const { deliveryId, event } = tokenSource.identify(headers);
    if (!deliveryId || !event) return { success: false, error: { httpStatus: 400, reason: 'no ids' } };
    const body = JSON.parse(Buffer.from(rawBody).toString('utf8')) as { repo: string; tag?: string };
    if (event !== 'tag')
      return {
        success: true,
        data: { deliveryId, event, said: { kind: 'ignored', reason: `event ${event}` } },
      };
    if (!body.tag) return { success: false, error: { httpStatus: 415, reason: 'no tag' } };
    return {
      success: true,
      data: {
        deliveryId,
        event,
        said: { kind: 'tag', repository: body.repo, tag: body.tag, prerelease: false },
      },
    };
  },
  redeliverHint: 'push the tag again',
};

describe('the webhook over an event source other than GitHub', () => {
  const queue = new FakeReleaseQueue();
  let server: { url: string; close: () => Promise<void> };
  const send = async (headers: Record<string, string>, body: unknown, method = 'POST') => {
    const answer = await fetch(server.url, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(method === 'POST' ? { body: JSON.stringify(body) } : {}),
    });
    return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
  };
  const ids = { 'x-token': 'tok', 'x-token-delivery': 'd-1', 'x-token-event': 'tag' };

  beforeAll(async () => {
    const handler = createWebhookHandler({
      config: { webhookSecrets: ['tok'] },
      source: tokenSource,
      repositories: fixedRepositories([RepositoryConfig.parse({ repository: 'acme/widgets' })]),
      queue,
      logger: silentLogger,
    });
    server = await serveWebhook(handler);
  });
  afterAll(() => server.close());

  it('publishes the release its source announced, with that delivery id and event', async () => {
    const answer = await send(ids, { repo: 'Acme/Widgets', tag: 'v1.2.0' });
    expect(answer).toEqual({
      status: 202,
      body: expect.objectContaining({
        status: 'accepted',
        job: { repository: 'acme/widgets', tag: 'v1.2.0', version: '1.2.0' },
      }),
    });
    expect(queue.published.map((message) => message.request)).toEqual([
      {
        repository: 'acme/widgets',
        tag: 'v1.2.0',
        source: { kind: 'webhook', deliveryId: 'd-1', event: 'tag' },
      },
    ]);
  });

  it("answers in the source's words: its verdict, its refusals, its name and its size cap", async () => {
    expect(await send({ ...ids, 'x-token': 'nope' }, { repo: 'acme/widgets', tag: 'v1' })).toEqual({
      status: 401,
      body: { status: 'rejected', reason: 'the X-Token is wrong' },
    });
    expect((await send(ids, { repo: 'acme/widgets' })).body).toEqual({
      status: 'rejected',
      reason: 'no tag',
    });
    expect((await send(ids, { repo: 'acme/widgets' })).status).toBe(415);
    expect(await send({ ...ids, 'x-token-event': 'note' }, {})).toEqual({
      status: 200,
      body: { status: 'ignored', reason: 'event note' },
    });
    expect((await send(ids, {}, 'PUT')).body).toMatchObject({
      reason: 'method PUT is not allowed; Tokenhub POSTs deliveries',
    });
    expect((await send(ids, { repo: 'x'.repeat(2000) })).body).toEqual({
      status: 'rejected',
      reason: "the body is larger than Tokenhub's 1024 byte limit",
    });
    // The decision after the source is source-neutral: an unserved repository is ignored for every source alike.
    expect((await send(ids, { repo: 'other/repo', tag: 'v1.0.0' })).body).toEqual({
      status: 'ignored',
      reason: 'repository other/repo is not configured in pkgrelay',
    });
  });
});
