import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookHandler } from '../../../functions/webhook/create-webhook-handler.js';
import { createRepositoryCatalog } from '../../../shared/config/create-repository-catalog.js';
import { silentLogger } from '../../../shared/log/create-logger.js';
import type { CatalogSource } from '../../../shared/ports/catalog-source.js';
import { FakeReleaseQueue } from './fake-release-queue.js';
import { sendDelivery, serveWebhook } from './serve-webhook.js';

const SECRET = 'catalog-secret';

// The stored document in memory, with the requests the catalog makes counted.
function memorySource(initial: string[]) {
  const state = { names: initial, generation: 1, checks: 0 };
  const source: CatalogSource = {
    url: 'gs://config/repositories.json',
    generation: async () => {
      state.checks++;
      return String(state.generation);
    },
    read: async () => ({
      text: JSON.stringify({ repositories: state.names.map((repository) => ({ repository })) }),
      generation: String(state.generation),
    }),
  };
  return { source, state };
}

describe('the webhook over a catalog read at run time', () => {
  const { source, state } = memorySource(['Acme/Served']);
  let time = 0;
  let server: Awaited<ReturnType<typeof serveWebhook>>;
  const deliver = (repository: string, deliveryId: string) =>
    sendDelivery(server.url, {
      event: 'create',
      deliveryId,
      secret: SECRET,
      payload: { ref: 'v1.0.0', ref_type: 'tag', repository: { full_name: repository } },
    });

  beforeAll(async () => {
    const repositories = createRepositoryCatalog({ source, logger: silentLogger, now: () => time });
    server = await serveWebhook(
      createWebhookHandler({
        config: { webhookSecrets: [SECRET] },
        repositories,
        recheckMs: 5_000,
        queue: new FakeReleaseQueue(),
        logger: silentLogger,
      }),
    );
  });
  afterAll(async () => server?.close());

  it('serves served repositories from its cache, without a read per delivery', async () => {
    for (let n = 0; n < 5; n++) expect((await deliver('acme/served', `served-${n}`)).status).toBe(202);
    expect(state.checks).toBe(1);
  });

  it('accepts a repository added after it started once the catalog is looked at again, not the stale refusal', async () => {
    const refused = await deliver('Acme/Added', 'before');
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({
      status: 'ignored',
      reason: 'repository Acme/Added is not configured in pkgrelay',
    });
    state.names = ['Acme/Served', 'Acme/Added'];
    state.generation++;
    // A refusal looks again, but at most once per recheck period: a flood of unknown repositories costs little.
    time += 1_000;
    expect((await deliver('Acme/Added', 'soon')).status).toBe(200);
    time += 5_000;
    const accepted = await deliver('Acme/Added', 'after');
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({
      status: 'accepted',
      job: { repository: 'Acme/Added', tag: 'v1.0.0' },
    });
  });
});
