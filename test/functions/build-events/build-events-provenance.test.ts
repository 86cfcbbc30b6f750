import { describe, expect, it } from 'vitest';
import { createBuildEventsHandler } from '../../../functions/build-events/create-build-events-handler.js';
import { jobObjectPath } from '../../../shared/contracts/job-id.js';
import { silentLogger } from '../../../shared/log/create-logger.js';
import { digestObjectPath, provenanceObjectPath } from '../../../shared/provenance/provenance-paths.js';
import type { JobStatus } from '../../../shared/status/job-status.js';
import { fixedRepositories } from '../../../shared/config/repository-provider.js';
import { createFakeBuildService } from '../../fakes/create-fake-build-service.js';
import { createFakeClock } from '../../fakes/create-fake-clock.js';
import { createMemoryDocumentStore } from '../../fakes/create-memory-document-store.js';
import { onePhaseBuild } from '../../fakes/one-phase-build.js';
import { pubsubEvent } from '../../fakes/pubsub-event.js';

const ID = { repository: 'Octo-Org/Widgets', tag: 'v1.0.0' };
const SHA = 'd'.repeat(64);
const COMMIT = 'e'.repeat(40);
const success = onePhaseBuild(ID, {
  commit: COMMIT,
  artifacts: [{ filename: 'widgets-1.0.0.tar.gz', sha256: SHA, size: 9, kind: 'sdist', uploaded: true }],
});

describe('build-events writes the provenance of the job a build publishes', () => {
  it('and a redelivery writes it when the first write failed, though the job no longer changes', async () => {
    const store = createMemoryDocumentStore();
    const clock = createFakeClock();
    const at = clock.now().toISOString();
    const queued: JobStatus = {
      schemaVersion: 1,
      ...ID,
      version: '1.0.0',
      state: 'building',
      attempt: 1,
      createdAt: at,
      updatedAt: at,
      build: { id: 'b-1' },
      artifacts: [],
      history: [{ state: 'queued', at, attempt: 1 }],
    };
    await store.write(jobObjectPath(ID), queued, { ifGenerationMatch: '0' });
    const write = store.write.bind(store);
    let failProvenance = true;
    store.write = async (path, data, options) => {
      if (failProvenance && path.startsWith('provenance/')) throw new Error('storage unavailable');
      return write(path, data, options);
    };
    const handle = createBuildEventsHandler({
      store,
      logger: silentLogger,
      buildTimeoutSeconds: 600,
      // A build of one phase (made before the two-build split) publishes by itself: nothing is started.
      builds: createFakeBuildService(),
      projectId: 'p',
      repositories: fixedRepositories([]),
      clock: clock.now,
    });

    await expect(handle(pubsubEvent(success, { messageId: 'n-1' }))).rejects.toThrow(
      /Unable to record build b-1/,
    );
    expect((await store.read(jobObjectPath(ID)))?.data).toMatchObject({ state: 'published' });
    expect(await store.read(provenanceObjectPath(ID))).toBeUndefined();

    failProvenance = false;
    expect(await handle(pubsubEvent(success, { messageId: 'n-1' }))).toMatchObject({ outcome: 'ignored' });
    expect((await store.read(provenanceObjectPath(ID)))?.data).toMatchObject({
      subject: [{ name: 'widgets-1.0.0.tar.gz', digest: { sha256: SHA } }],
      predicate: { buildDefinition: { resolvedDependencies: [{ digest: { gitCommit: COMMIT } }] } },
    });
    expect((await store.read(digestObjectPath(SHA)))?.data).toMatchObject({
      ...ID,
      statement: provenanceObjectPath(ID),
    });
  });
});
