import { describe, expect, it } from 'vitest';
import { indexObjectPath, jobObjectPath } from '../../../shared/contracts/job-id.js';
import type { DocumentStore } from '../../../shared/ports/document-store.js';
import { INDEX_ENTRY_KEY } from '../../../shared/status/index-entry-metadata.js';
import type { JobStatus } from '../../../shared/status/job-status.js';
import { RepositoryIndex } from '../../../shared/status/repository-index.js';
import { transitionJob } from '../../../shared/status/transition-job.js';
import { updateJob } from '../../../shared/status/update-job.js';
import { createMemoryDocumentStore, randomTurns } from '../../fakes/create-memory-document-store.js';

const REPO = 'Hot-Org/Widgets';

function newJob(tag: string, now: Date): JobStatus {
  return {
    schemaVersion: 1,
    repository: REPO,
    tag,
    version: tag.slice(1),
    state: 'queued',
    attempt: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    artifacts: [],
    history: [{ state: 'queued', at: now.toISOString(), attempt: 1 }],
  };
}

describe('the derived repository index', () => {
  it('takes in many jobs per write when the store paces writes of one object', async () => {
    const memory = createMemoryDocumentStore();
    memory.pause = randomTurns(4);
    let indexWrites = 0;
    const store: DocumentStore = {
      ...memory,
      sameObjectWriteIntervalMs: 40,
      write: async (path, data, options) => {
        const result = await memory.write(path, data, options);
        if (path === indexObjectPath(REPO) && result.written) indexWrites++;
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
});
