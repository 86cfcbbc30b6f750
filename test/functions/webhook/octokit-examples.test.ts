import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookHandler } from '../../../functions/webhook/create-webhook-handler.js';
import { RepositoryConfig } from '../../../shared/config/repository-config.js';
import { silentLogger } from '../../../shared/log/create-logger.js';
import { FakeReleaseQueue } from './fake-release-queue.js';
import { sendDelivery, serveWebhook } from './serve-webhook.js';
import { fixedRepositories } from '../../../shared/config/repository-provider.js';

interface Definition {
  name: string;
  examples: Array<Record<string, unknown>>;
}
// The package is JSON behind a CommonJS main: an index of event definitions, each with example payloads.
const definitions = createRequire(import.meta.url)('@octokit/webhooks-examples') as Definition[];

const SECRET = 'examples-secret';
const HANDLED = new Set(['release', 'create', 'push', 'ping']);
const servedRepositories = [
  ...new Set(
    definitions
      .filter((definition) => ['release', 'create', 'push'].includes(definition.name))
      .flatMap((definition) => definition.examples)
      .map((example) => (example['repository'] as { full_name: string }).full_name),
  ),
];

type Example = Record<string, unknown> & {
  action?: string;
  ref?: string;
  ref_type?: string;
  created?: boolean;
  deleted?: boolean;
  hook_id?: number;
  release?: { tag_name: string; draft: boolean; prerelease: boolean };
};

/** What pkgrelay answers to each example, from the rules in the README (GitHub events). */
function expected(
  event: string,
  example: Example,
): { status: number; outcome: string; reason?: RegExp; tag?: string } {
  switch (event) {
    case 'ping':
      return { status: 200, outcome: 'pong', reason: new RegExp(`hook ${example.hook_id}`) };
    case 'release':
      if (example.action === 'prereleased' || example.release?.prerelease)
        return { status: 200, outcome: 'ignored', reason: /prereleases are off/ };
      if (example.action !== 'published')
        return { status: 200, outcome: 'ignored', reason: /is not handled/ };
      return { status: 202, outcome: 'accepted', tag: example.release?.tag_name ?? '' };
    case 'create':
      if (example.ref_type !== 'tag') return { status: 200, outcome: 'ignored', reason: /not a tag/ };
      if (example.ref === 'simple-tag')
        return { status: 200, outcome: 'ignored', reason: /not a PEP 440 version/ };
      return { status: 202, outcome: 'accepted', tag: example.ref ?? '' };
    case 'push': {
      const ref = example.ref ?? '';
      if (!ref.startsWith('refs/tags/')) return { status: 200, outcome: 'ignored', reason: /not a tag/ };
      if (example.deleted) return { status: 200, outcome: 'ignored', reason: /deleting tag/ };
      if (ref === 'refs/tags/simple-tag')
        return { status: 200, outcome: 'ignored', reason: /not a PEP 440 version/ };
      return { status: 202, outcome: 'accepted', tag: ref.slice('refs/tags/'.length) };
    }
    default:
      return { status: 200, outcome: 'ignored', reason: new RegExp(`event "${event}" is not handled`) };
  }
}

// The examples' tags are "simple-tag"; the same deliveries with a version tag show create and push publishing.
function withVersionTag(event: string, example: Example): Example {
  if (event === 'create' && example.ref === 'simple-tag') return { ...example, ref: 'v0.0.2' };
  if (event === 'push' && example.ref === 'refs/tags/simple-tag')
    return { ...example, ref: 'refs/tags/v0.0.2' };
  return example;
}

const deliveries = definitions.flatMap((definition) =>
  definition.examples.flatMap((example, index) => [
    { event: definition.name, index, example: example as Example, variant: 'as published' },
    ...(['create', 'push'].includes(definition.name)
      ? [
          {
            event: definition.name,
            index,
            example: withVersionTag(definition.name, example as Example),
            variant: 'version tag',
          },
        ]
      : []),
  ]),
);

describe('@octokit/webhooks-examples, signed and sent over HTTP', () => {
  const queue = new FakeReleaseQueue();
  let server: Awaited<ReturnType<typeof serveWebhook>>;
  const outcomes = new Map<string, number>();

  beforeAll(async () => {
    const repositories = servedRepositories.map((repository) => RepositoryConfig.parse({ repository }));
    server = await serveWebhook(
      createWebhookHandler({
        config: { webhookSecrets: [SECRET] },
        repositories: fixedRepositories(repositories),
        queue,
        logger: silentLogger,
      }),
    );
  });
  afterAll(() => server.close());

  it('covers every event the package has', () => {
    expect(definitions.length).toBeGreaterThan(50);
    expect(servedRepositories).toEqual(['Codertocat/Hello-World']);
    for (const name of HANDLED) expect(definitions.map((definition) => definition.name)).toContain(name);
  });

  it.each(deliveries)('$event #$index ($variant)', async ({ event, index, example }) => {
    queue.reset();
    const want = expected(event, example);
    const answer = await sendDelivery(server.url, {
      event,
      deliveryId: `${event}-${index}`,
      payload: example,
      secret: SECRET,
      form: index % 2 === 1,
    });
    expect({ status: answer.status, outcome: answer.body['status'] }).toEqual({
      status: want.status,
      outcome: want.outcome,
    });
    if (want.reason) expect(answer.body['reason']).toMatch(want.reason);
    if (want.tag !== undefined) {
      expect(queue.published.map((message) => message.request)).toEqual([
        {
          repository: 'Codertocat/Hello-World',
          tag: want.tag,
          source: { kind: 'webhook', deliveryId: `${event}-${index}`, event },
        },
      ]);
    } else {
      expect(queue.attempts).toBe(0);
    }
    const key = `${event}:${want.outcome}`;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  });

  it('publishes the published releases and the version tags, and nothing else', () => {
    expect(
      Object.fromEntries(
        [...outcomes].filter(([key]) => !key.endsWith(':ignored') || HANDLED.has(key.split(':')[0] ?? '')),
      ),
    ).toEqual({
      'release:accepted': 3,
      'release:ignored': 10,
      'create:accepted': 5,
      'create:ignored': 5,
      'push:accepted': 1,
      'push:ignored': 13,
      'ping:pong': 4,
    });
  });
});
