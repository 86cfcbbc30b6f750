import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWebhookHandler } from '../../../functions/webhook/create-webhook-handler.js';
import { RepositoryConfig } from '../../../shared/config/repository-config.js';
import { ConfigError } from '../../../shared/errors.js';
import { createLogger, silentLogger } from '../../../shared/log/create-logger.js';
import { createFakeTime, FakeReleaseQueue } from './fake-release-queue.js';
import { sendDelivery, serveWebhook, type Delivery } from './serve-webhook.js';
import { fixedRepositories } from '../../../shared/config/repository-provider.js';

const SECRET = 'current-secret';
const OLD_SECRET = 'previous-secret';
const repositories = [
  RepositoryConfig.parse({ repository: 'Acme/Widgets' }),
  RepositoryConfig.parse({ repository: 'acme/previews', prereleases: true }),
  RepositoryConfig.parse({ repository: 'acme/mono', tagPrefix: 'sdk/v' }),
  RepositoryConfig.parse({ repository: 'acme/strict', tagPattern: 'v1\\.2' }),
  RepositoryConfig.parse({
    repository: 'acme/platform',
    packages: [
      { name: 'api', subdirectory: 'api', tagPrefix: 'api-v' },
      { name: 'client', subdirectory: 'client', tagPrefix: 'client-v', prereleases: true },
    ],
  }),
];

const repo = (full_name: string) => ({ full_name });
const release = (
  action: string,
  tag_name: string,
  extra: { draft?: boolean; prerelease?: boolean; full_name?: string } = {},
) => ({
  action,
  release: { tag_name, draft: extra.draft ?? false, prerelease: extra.prerelease ?? false },
  repository: repo(extra.full_name ?? 'acme/widgets'),
});
const create = (ref: string, ref_type = 'tag', full_name = 'acme/widgets') => ({
  ref,
  ref_type,
  repository: repo(full_name),
});
const push = (ref: string, created: boolean, deleted: boolean, full_name = 'acme/widgets') => ({
  ref,
  created,
  deleted,
  repository: repo(full_name),
});

interface Case {
  name: string;
  delivery: Delivery;
  status: number;
  outcome: string;
  reason?: RegExp;
  job?: { repository: string; tag: string; version: string; package?: string };
}

const signed = (event: string | null, payload: unknown, more: Partial<Delivery> = {}): Delivery => ({
  event,
  payload,
  secret: SECRET,
  ...more,
});

const cases: Case[] = [
  // Releases
  {
    name: 'release published',
    delivery: signed('release', release('published', 'v1.2.3')),
    status: 202,
    outcome: 'accepted',
    job: { repository: 'Acme/Widgets', tag: 'v1.2.3', version: '1.2.3' },
  },
  {
    name: 'release published, repository in another case',
    delivery: signed('release', release('published', '2.0', { full_name: 'ACME/WIDGETS' })),
    status: 202,
    outcome: 'accepted',
    job: { repository: 'Acme/Widgets', tag: '2.0', version: '2.0' },
  },
  {
    name: 'release published as a pre-release, prereleases off',
    delivery: signed('release', release('published', 'v1.3.0', { prerelease: true })),
    status: 200,
    outcome: 'ignored',
    reason: /pre-release and prereleases are off/,
  },
  {
    name: 'release prereleased, prereleases off',
    delivery: signed('release', release('prereleased', 'v1.3.0rc1', { prerelease: true })),
    status: 200,
    outcome: 'ignored',
    reason: /prereleases are off/,
  },
  {
    name: 'release prereleased, prereleases on',
    delivery: signed(
      'release',
      release('prereleased', 'v1.3.0rc1', { prerelease: true, full_name: 'acme/previews' }),
    ),
    status: 202,
    outcome: 'accepted',
    job: { repository: 'acme/previews', tag: 'v1.3.0rc1', version: '1.3.0rc1' },
  },
  {
    name: 'release tag is a pre-release version, prereleases off',
    delivery: signed('release', release('published', 'v1.3.0rc1')),
    status: 200,
    outcome: 'ignored',
    reason: /pre-release \(1\.3\.0rc1\)/,
  },
  {
    name: 'release draft',
    delivery: signed('release', release('published', 'v1.2.3', { draft: true })),
    status: 200,
    outcome: 'ignored',
    reason: /drafts/,
  },
  ...['created', 'edited', 'deleted', 'released', 'unpublished'].map((action) => ({
    name: `release ${action}`,
    delivery: signed('release', release(action, 'v1.2.3')),
    status: 200,
    outcome: 'ignored',
    reason: new RegExp(`release action "${action}" is not handled`),
  })),
  // create
  {
    name: 'create tag',
    delivery: signed('create', create('v1.2.4')),
    status: 202,
    outcome: 'accepted',
    job: { repository: 'Acme/Widgets', tag: 'v1.2.4', version: '1.2.4' },
  },
  {
    name: 'create branch',
    delivery: signed('create', create('main', 'branch')),
    status: 200,
    outcome: 'ignored',
    reason: /create of a branch/,
  },
  // push
  {
    name: 'push of a new tag',
    delivery: signed('push', push('refs/tags/v1.2.5', true, false)),
    status: 202,
    outcome: 'accepted',
    job: { repository: 'Acme/Widgets', tag: 'v1.2.5', version: '1.2.5' },
  },
  {
    name: 'push deleting a tag',
    delivery: signed('push', push('refs/tags/v1.2.5', false, true)),
    status: 200,
    outcome: 'ignored',
    reason: /deleting tag v1\.2\.5/,
  },
  {
    name: 'push moving a tag',
    delivery: signed('push', push('refs/tags/v1.2.5', false, false)),
    status: 200,
    outcome: 'ignored',
    reason: /moving existing tag/,
  },
  {
    name: 'push to a branch',
    delivery: signed('push', push('refs/heads/main', true, false)),
    status: 200,
    outcome: 'ignored',
    reason: /refs\/heads\/main, not a tag/,
  },
  // Other events
  {
    name: 'ping',
    delivery: signed('ping', { zen: 'Keep it logically awesome.', hook_id: 42, hook: { id: 42 } }),
    status: 200,
    outcome: 'pong',
    reason: /hook 42/,
  },
  {
    name: 'delete of a tag',
    delivery: signed('delete', { ref: 'v1.2.3', ref_type: 'tag', repository: repo('acme/widgets') }),
    status: 200,
    outcome: 'ignored',
    reason: /event "delete" is not handled/,
  },
  {
    name: 'issues',
    delivery: signed('issues', { action: 'opened' }),
    status: 200,
    outcome: 'ignored',
    reason: /event "issues"/,
  },
  // Configuration and tags
  {
    name: 'unconfigured repository',
    delivery: signed('release', release('published', 'v1.2.3', { full_name: 'evil/widgets' })),
    status: 200,
    outcome: 'ignored',
    reason: /evil\/widgets is not configured/,
  },
  {
    name: 'tag that is no valid git tag',
    delivery: signed('create', create('v1..2')),
    status: 200,
    outcome: 'ignored',
    reason: /not a valid tag name: it contains "\.\."/,
  },
  {
    name: 'tag that is no PEP 440 version',
    delivery: signed('create', create('nightly')),
    status: 200,
    outcome: 'ignored',
    reason: /not a PEP 440 version/,
  },
  {
    name: 'tag with shell characters',
    delivery: signed('create', create('v1.2.3;rm$(x)`y`')),
    status: 200,
    outcome: 'ignored',
    reason: /not a PEP 440 version/,
  },
  {
    name: 'tag with a prefix and a slash',
    delivery: signed('create', create('sdk/v3.1.0', 'tag', 'acme/mono')),
    status: 202,
    outcome: 'accepted',
    job: { repository: 'acme/mono', tag: 'sdk/v3.1.0', version: '3.1.0' },
  },
  {
    name: 'tag without the configured prefix',
    delivery: signed('create', create('v3.1.0', 'tag', 'acme/mono')),
    status: 200,
    outcome: 'ignored',
    reason: /tagPrefix "sdk\/v"/,
  },
  {
    name: 'tag of one package of a repository with several',
    delivery: signed('push', push('refs/tags/client-v0.3.0', true, false, 'acme/platform')),
    status: 202,
    outcome: 'accepted',
    job: { repository: 'acme/platform', tag: 'client-v0.3.0', version: '0.3.0', package: 'client' },
  },
  {
    name: 'tag matching none of the packages of a repository',
    delivery: signed('release', release('published', 'docs-v1', { full_name: 'acme/platform' })),
    status: 200,
    outcome: 'ignored',
    reason:
      /^tag "docs-v1" matches none of the packages of acme\/platform: api-v… \(api\), client-v… \(client\)$/,
  },
  {
    name: "GitHub pre-release of a package whose prereleases are off, its sibling's on",
    delivery: signed('release', release('prereleased', 'api-v1.3.0', { full_name: 'acme/platform' })),
    status: 200,
    outcome: 'ignored',
    reason:
      /^tag "api-v1.3.0" is a GitHub pre-release and prereleases are off for package api of acme\/platform$/,
  },
  {
    name: 'GitHub pre-release of a package whose prereleases are on',
    delivery: signed('release', release('prereleased', 'client-v0.4.0rc1', { full_name: 'acme/platform' })),
    status: 202,
    outcome: 'accepted',
    job: { repository: 'acme/platform', tag: 'client-v0.4.0rc1', version: '0.4.0rc1', package: 'client' },
  },
  {
    name: 'tag matching the anchored pattern',
    delivery: signed('create', create('v1.2', 'tag', 'acme/strict')),
    status: 202,
    outcome: 'accepted',
    job: { repository: 'acme/strict', tag: 'v1.2', version: '1.2' },
  },
  {
    name: 'tag only starting like the pattern',
    delivery: signed('create', create('v1.2-rc', 'tag', 'acme/strict')),
    status: 200,
    outcome: 'ignored',
    reason: /does not match the configured tagPattern/,
  },
  {
    name: 'Unicode tag',
    delivery: signed('create', create('v1.2.3-ünïcødé')),
    status: 200,
    outcome: 'ignored',
    reason: /not a PEP 440 version/,
  },
  // Content types and bodies
  {
    name: 'form-encoded release',
    delivery: signed('release', release('published', 'v1.2.6'), { form: true }),
    status: 202,
    outcome: 'accepted',
    job: { repository: 'Acme/Widgets', tag: 'v1.2.6', version: '1.2.6' },
  },
  {
    name: 'form without payload',
    delivery: signed('release', undefined, { body: 'other=1', form: true }),
    status: 400,
    outcome: 'rejected',
    reason: /no "payload" field/,
  },
  {
    name: 'form payload that is not JSON',
    delivery: signed('release', undefined, { body: 'payload=%7Bnope', form: true }),
    status: 400,
    outcome: 'rejected',
    reason: /not JSON/,
  },
  {
    name: 'payload missing a field',
    delivery: signed('release', { action: 'published', repository: repo('acme/widgets') }),
    status: 400,
    outcome: 'rejected',
    reason: /release: /,
  },
  {
    name: 'payload with a field of the wrong type',
    delivery: signed('push', {
      ref: 'refs/tags/v1',
      created: 'yes',
      deleted: false,
      repository: repo('acme/widgets'),
    }),
    status: 400,
    outcome: 'rejected',
    reason: /created: /,
  },
  {
    name: 'body that is not UTF-8',
    delivery: signed('release', undefined, {
      body: Buffer.from('payload=%ff', 'latin1'),
      form: true,
      headers: {},
    }),
    status: 400,
    outcome: 'rejected',
    reason: /payload is not JSON/,
  },
  {
    name: 'raw bytes not UTF-8',
    delivery: signed('push', undefined, {
      body: Buffer.from([0x7b, 0xff, 0x7d]),
      headers: { 'content-type': 'application/octet-stream' },
    }),
    status: 400,
    outcome: 'rejected',
    reason: /not valid UTF-8/,
  },
  {
    name: 'unsupported content type',
    delivery: signed('push', push('refs/tags/v1.0', true, false), {
      headers: { 'content-type': 'text/plain' },
    }),
    status: 415,
    outcome: 'rejected',
    reason: /content type "text\/plain"/,
  },
  // Signatures and headers
  {
    name: 'no signature',
    delivery: { event: 'release', payload: release('published', 'v1.2.3') },
    status: 401,
    outcome: 'rejected',
    reason: /X-Hub-Signature-256 header is missing/,
  },
  {
    name: 'only the SHA-1 signature',
    delivery: {
      event: 'release',
      payload: release('published', 'v1.2.3'),
      headers: { 'x-hub-signature': 'sha1=0123456789abcdef0123456789abcdef01234567' },
    },
    status: 401,
    outcome: 'rejected',
    reason: /X-Hub-Signature-256 header is missing/,
  },
  {
    name: 'signature by another secret',
    delivery: signed('release', release('published', 'v1.2.3'), { secret: 'wrong' }),
    status: 401,
    outcome: 'rejected',
    reason: /does not match/,
  },
  {
    name: 'signature of another body',
    delivery: signed('release', release('published', 'v1.2.3'), {
      headers: { 'x-hub-signature-256': 'sha256=' + '0'.repeat(64) },
    }),
    status: 401,
    outcome: 'rejected',
    reason: /does not match/,
  },
  {
    name: 'signature too short',
    delivery: signed('release', release('published', 'v1.2.3'), {
      headers: { 'x-hub-signature-256': 'sha256=abcd' },
    }),
    status: 401,
    outcome: 'rejected',
    reason: /not "sha256=<64 hex digits>"/,
  },
  {
    name: 'signature by the previous secret (rotation)',
    delivery: signed('release', release('published', 'v1.2.7'), { secret: OLD_SECRET }),
    status: 202,
    outcome: 'accepted',
    job: { repository: 'Acme/Widgets', tag: 'v1.2.7', version: '1.2.7' },
  },
  {
    name: 'no X-GitHub-Event',
    delivery: signed(null, release('published', 'v1.2.3')),
    status: 400,
    outcome: 'rejected',
    reason: /X-GitHub-Event header is missing/,
  },
  {
    name: 'no X-GitHub-Delivery',
    delivery: signed('release', release('published', 'v1.2.3'), { deliveryId: null }),
    status: 400,
    outcome: 'rejected',
    reason: /X-GitHub-Delivery header is missing/,
  },
  {
    name: 'GET',
    delivery: { method: 'GET', event: 'ping' },
    status: 405,
    outcome: 'rejected',
    reason: /method GET/,
  },
];

describe('webhook handler over HTTP', () => {
  const queue = new FakeReleaseQueue();
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  let time = createFakeTime();
  let server: Awaited<ReturnType<typeof serveWebhook>>;

  beforeAll(async () => {
    server = await serveWebhook(
      createWebhookHandler({
        config: { webhookSecrets: [SECRET, OLD_SECRET] },
        repositories: fixedRepositories(repositories),
        queue,
        logger,
        now: () => time.now(),
        sleep: (ms, cancel) => time.sleep(ms, cancel),
      }),
    );
  });
  afterAll(() => server.close());
  beforeEach(() => {
    queue.reset();
    lines.length = 0;
    time = createFakeTime();
  });

  it.each(cases)('$name → $status $outcome', async ({ delivery, status, outcome, reason, job }) => {
    const answer = await sendDelivery(server.url, { deliveryId: 'd-1', ...delivery });
    expect(answer.status).toBe(status);
    expect(answer.body['status']).toBe(outcome);
    if (reason) expect(answer.body['reason']).toMatch(reason);
    if (job) {
      expect(answer.body).toEqual({ status: 'accepted', messageId: 'message-1', job });
      expect(queue.published).toEqual([
        {
          request: {
            repository: job.repository,
            tag: job.tag,
            source: { kind: 'webhook', deliveryId: 'd-1', event: delivery.event },
          },
          attributes: { deliveryId: 'd-1', event: delivery.event, repository: job.repository },
        },
      ]);
    } else {
      expect(queue.attempts).toBe(0);
    }
    const answers = lines.filter((line) => line['message'] === 'webhook answered');
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({
      status,
      outcome,
      ...(delivery.event ? { event: delivery.event } : {}),
    });
    if (delivery.deliveryId !== null) expect(answers[0]?.['deliveryId']).toBe('d-1');
    expect(answers[0]?.['severity']).toBe(status >= 500 ? 'ERROR' : status >= 400 ? 'WARNING' : 'INFO');
    if (!job) expect(answers[0]?.['reason']).toBe(answer.body['reason']);
  });

  it('answers a ping with the hook id', async () => {
    const answer = await sendDelivery(server.url, signed('ping', { hook_id: 109948940 }));
    expect(answer).toMatchObject({ status: 200, body: { status: 'pong', hookId: 109948940 } });
  });

  it('retries a failing publish with backoff and answers 202 once the queue accepts', async () => {
    queue.failuresLeft = 3;
    const answer = await sendDelivery(server.url, signed('release', release('published', 'v1.2.3')));
    expect(answer.status).toBe(202);
    expect(queue.attempts).toBe(4);
    expect(queue.published).toHaveLength(1);
    expect(time.sleeps).toEqual([100, 200, 400]);
    expect(lines.filter((line) => line['message'] === 'publish failed')).toHaveLength(3);
  });

  it('answers 503 with a redelivery hint when the queue keeps failing, within the 6 s budget', async () => {
    queue.failuresLeft = Infinity;
    const start = time.now();
    const answer = await sendDelivery(server.url, signed('release', release('published', 'v1.2.3')));
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({
      status: 'unavailable',
      job: { repository: 'Acme/Widgets', tag: 'v1.2.3' },
    });
    expect(answer.body['reason']).toMatch(/redeliver it from the hook settings on GitHub/);
    expect(time.now() - start).toBeLessThanOrEqual(6_000);
    expect(time.sleeps).toEqual([100, 200, 400, 800, 1600, 2000, 900]);
    expect(queue.published).toHaveLength(0);
    expect(lines.filter((line) => line['message'] === 'webhook answered')).toMatchObject([
      { severity: 'ERROR', status: 503 },
    ]);
  });

  it('answers 503 when a publish hangs past the budget', async () => {
    queue.hang = true;
    const start = time.now();
    const answer = await sendDelivery(server.url, signed('release', release('published', 'v1.2.3')));
    expect(answer.status).toBe(503);
    expect(queue.attempts).toBe(1);
    expect(time.now() - start).toBe(6_000);
  });

  it('refuses a body over 25 MB with 413', async () => {
    // Valid JSON padded with spaces, so the framework's parser hands it on and the handler's own limit answers.
    const body = Buffer.alloc(25 * 1024 * 1024 + 1, 0x20);
    body.write('{}');
    const answer = await sendDelivery(server.url, signed('release', undefined, { body }));
    expect(answer).toMatchObject({ status: 413, body: { status: 'rejected' } });
    expect(answer.body['reason']).toMatch(/larger than GitHub's 26214400 byte limit/);
  });
});

describe('createWebhookHandler', () => {
  it('refuses to start without a webhook secret', () => {
    expect(() =>
      createWebhookHandler({
        config: { webhookSecrets: [] },
        repositories: fixedRepositories(repositories),
        queue: new FakeReleaseQueue(),
        logger: silentLogger,
      }),
    ).toThrow(ConfigError);
  });
});
