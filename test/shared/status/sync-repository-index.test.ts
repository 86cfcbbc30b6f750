import { describe, expect, it } from 'vitest';
import { indexObjectPath, jobObjectPath } from '../../../shared/contracts/job-id.js';
import type { DocumentStore } from '../../../shared/ports/document-store.js';
import { INDEX_ENTRY_KEY } from '../../../shared/status/index-entry-metadata.js';
import { indexWriteMetadata } from '../../../shared/status/index-write-metadata.js';
import type { JobStatus } from '../../../shared/status/job-status.js';
import { RepositoryIndex } from '../../../shared/status/repository-index.js';
import { transitionJob } from '../../../shared/status/transition-job.js';
import { updateJob } from '../../../shared/status/update-job.js';
import { createMemoryDocumentStore, randomTurns } from '../../fakes/create-memory-document-store.js';
import { queuedJob } from '../../fakes/queued-job.js';
import { refuseWritesForRate } from '../../fakes/refuse-writes-for-rate.js';

const REPO = 'Hot-Org/Widgets';

const newJob = (tag: string, now: Date): JobStatus => queuedJob(REPO, tag, now);

describe('the derived repository index', () => {
  it('takes in many jobs per write when the store paces writes of one object', async () => {
    const memory = createMemoryDocumentStore();
    memory.pause = randomTurns(4);
    let indexWrites = 0;
    let indexReads = 0;
    let indexStats = 0;
    const store: DocumentStore = {
      ...memory,
      sameObjectWriteIntervalMs: 40,
      read: (path) => (path === indexObjectPath(REPO) && indexReads++, memory.read(path)),
      stat: (path) => (path === indexObjectPath(REPO) && indexStats++, memory.stat(path)),
      write: async (path, data, options) => {
        const result = await memory.write(path, data, options);
        if (path === indexObjectPath(REPO) && result.success) indexWrites++;
        return result;
      },
    };
    const tags = Array.from({ length: 30 }, (_, i) => `v2.${i}.0`);
    const now = () => new Date();
    await Promise.all(
      tags.map(async (tag) => {
        const id = { repository: REPO, tag };
        await updateJob(store, id, () => ({ write: newJob(tag, now()) }), now);
        await updateJob(store, id, (current) => ({ write: transitionJob(current!, 'building', now()) }), now);
        await updateJob(
          store,
          id,
          (current) => ({ write: transitionJob(current!, 'published', now()) }),
          now,
        );
      }),
    );
    const index = RepositoryIndex.parse((await store.read(indexObjectPath(REPO)))?.data);
    expect(index.jobs).toHaveLength(30);
    expect(index.jobs.every((entry) => entry.state === 'published')).toBe(true);
    // 90 job moves; one index write per move would be 90.
    expect(indexWrites).toBeLessThan(45);
    // Waiting looks at the index's metadata only: its content is read by writers alone (those that
    // lose a race too), fewer times than jobs moved; a wait that read it would read it every move.
    expect(indexStats).toBeGreaterThanOrEqual(90);
    expect(indexReads).toBeLessThan(90);
  });

  it('reads a job document written without its entry metadata, and leaves out none', async () => {
    const store = createMemoryDocumentStore();
    const at = new Date('2024-01-01T00:00:00Z');
    await store.write(jobObjectPath({ repository: REPO, tag: 'v0.9.0' }), newJob('v0.9.0', at), {
      ifGenerationMatch: '0',
    });
    await updateJob(
      store,
      { repository: REPO, tag: 'v1.0.0' },
      () => ({ write: newJob('v1.0.0', at) }),
      () => at,
    );
    const index = RepositoryIndex.parse((await store.read(indexObjectPath(REPO)))?.data);
    expect(index.jobs.map((entry) => entry.tag)).toEqual(['v1.0.0', 'v0.9.0']);
    const listed = await store.listDocuments('jobs/hot-org/widgets/');
    expect(listed.find((doc) => doc.name.endsWith('v1.0.0.json'))?.metadata?.[INDEX_ENTRY_KEY]).toBeDefined();
  });

  it('does not take a write over the generation it saw as taking the job in: that writer may have listed before', async () => {
    const memory = createMemoryDocumentStore();
    const at = new Date('2024-01-01T00:00:00Z');
    const path = indexObjectPath(REPO);
    let injected = false;
    const store: DocumentStore = {
      ...memory,
      stat: async (name) => {
        const seen = await memory.stat(name);
        if (name === path && !injected) {
          injected = true;
          // A writer that listed before the job's write lands its index right after the job looked.
          const stale = { schemaVersion: 1, repository: REPO, updatedAt: at.toISOString(), jobs: [] };
          await memory.write(path, stale, {
            ifGenerationMatch: seen?.generation ?? '0',
            metadata: indexWriteMetadata({
              follows: seen?.generation ?? '0',
              writtenAt: 0,
              tookMs: 0,
              badge: undefined,
            }),
          });
        }
        return seen;
      },
    };
    await updateJob(
      store,
      { repository: REPO, tag: 'v1.0.0' },
      () => ({ write: newJob('v1.0.0', at) }),
      () => at,
    );
    const index = RepositoryIndex.parse((await memory.read(path))?.data);
    expect(index.jobs.map((entry) => entry.tag)).toEqual(['v1.0.0']);
  });

  it('takes an index write refused for the rate as nothing written, and writes it again', async () => {
    const memory = createMemoryDocumentStore();
    const store = refuseWritesForRate(memory, (path) => path === indexObjectPath(REPO), { times: 2 });
    const at = new Date('2024-01-01T00:00:00Z');
    await updateJob(
      store,
      { repository: REPO, tag: 'v1.0.0' },
      () => ({ write: newJob('v1.0.0', at) }),
      () => at,
    );
    expect(store.refused()).toBe(2);
    const index = RepositoryIndex.parse((await memory.read(indexObjectPath(REPO)))?.data);
    expect(index.jobs.map((entry) => entry.tag)).toEqual(['v1.0.0']);
  });

  it('lists once at a time in one instance, and does not read back the index it wrote', async () => {
    const memory = createMemoryDocumentStore();
    memory.pause = randomTurns(4);
    let listing = 0;
    let mostAtOnce = 0;
    let indexReads = 0;
    const store: DocumentStore = {
      ...memory,
      sameObjectWriteIntervalMs: 20,
      read: (path) => (path === indexObjectPath(REPO) && indexReads++, memory.read(path)),
      listDocuments: async (prefix) => {
        mostAtOnce = Math.max(mostAtOnce, ++listing);
        try {
          return await memory.listDocuments(prefix);
        } finally {
          listing--;
        }
      },
    };
    const now = () => new Date();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => `v3.${i}.0`).map((tag) =>
        updateJob(store, { repository: REPO, tag }, () => ({ write: newJob(tag, now()) }), now),
      ),
    );
    const index = RepositoryIndex.parse((await memory.read(indexObjectPath(REPO)))?.data);
    expect(index.jobs).toHaveLength(20);
    expect(mostAtOnce).toBe(1);
    expect(indexReads).toBe(0);
  });
});
