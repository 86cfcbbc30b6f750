import { describe, expect, it } from 'vitest';
import { createWorkerHandler } from '../../../functions/worker/create-worker-handler.js';
import { RepositoryConfig } from '../../../shared/config/repository-config.js';
import type { RepositoryProvider } from '../../../shared/config/repository-provider.js';
import { silentLogger } from '../../../shared/log/create-logger.js';
import { createFakeBuildService } from '../../fakes/create-fake-build-service.js';
import { createFakeRegistry } from '../../fakes/create-fake-registry.js';
import { createMemoryDocumentStore } from '../../fakes/create-memory-document-store.js';
import { pubsubEvent } from '../../fakes/pubsub-event.js';

describe('the worker over a catalog read at run time', () => {
  it('builds a repository its cached list lacks once a fresh read serves it, instead of NOT_CONFIGURED', async () => {
    const cached = [RepositoryConfig.parse({ repository: 'Acme/Old' })];
    const stored = [...cached, RepositoryConfig.parse({ repository: 'Acme/Added' })];
    const asked: Array<number | undefined> = [];
    // A cache older than the webhook's: only a read that asks for a fresh list sees the addition.
    const repositories: RepositoryProvider = async (freshness) => {
      asked.push(freshness?.maxAgeMs);
      return freshness?.maxAgeMs === 0 ? stored : cached;
    };
    const builds = createFakeBuildService();
    const worker = createWorkerHandler({
      config: {
        projectId: 'p',
        upstreamBase: 'https://github.com',
        buildIsolation: true,
        registryAuth: 'none',
        buildTimeoutSeconds: 600,
        leaseSeconds: 60,
        buildServiceAccount: undefined,
        stagingBucket: 'pkgrelay-staging',
        registryUrl: 'https://registry.example/p/r/',
      },
      repositories,
      store: createMemoryDocumentStore(),
      builds,
      registry: createFakeRegistry(),
      logger: silentLogger,
    });
    expect(await worker(pubsubEvent({ repository: 'acme/added', tag: 'v1.0.0' }))).toMatchObject({
      outcome: 'started',
    });
    expect(asked).toEqual([undefined, 0]);
    expect(builds.builds).toHaveLength(1);
    // A served repository costs no fresh read.
    await worker(pubsubEvent({ repository: 'Acme/Old', tag: 'v1.0.0' }, { messageId: 'm-2' }));
    expect(asked).toEqual([undefined, 0, undefined]);
  });
});
