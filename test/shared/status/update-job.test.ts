import { describe, expect, it } from 'vitest';
import { indexObjectPath, jobObjectPath } from '../../../shared/contracts/job-id.js';
import type { JobStatus } from '../../../shared/status/job-status.js';
import { RepositoryIndex } from '../../../shared/status/repository-index.js';
import { transitionJob } from '../../../shared/status/transition-job.js';
import { updateJob } from '../../../shared/status/update-job.js';
import { createLogger } from '../../../shared/log/create-logger.js';
import { createMemoryDocumentStore, randomTurns } from '../../fakes/create-memory-document-store.js';
import { queuedJob } from '../../fakes/queued-job.js';

const REPO = 'Octo-Org/Widgets';

const newJob = (tag: string, now: Date): JobStatus => queuedJob(REPO, tag, now);

describe('repository index under concurrency', () => {
  it('never loses an entry when 40 jobs of one repository move at once', async () => {
    const store = createMemoryDocumentStore();
    store.pause = randomTurns(6);
    const tags = Array.from({ length: 40 }, (_, i) => `v1.${i}.0`);
    const now = () => new Date();
    await Promise.all(
      tags.map(async (tag) => {
        const id = { repository: REPO, tag };
        await updateJob(store, id, () => ({ write: newJob(tag, now()) }), now);
        await updateJob(
          store,
          id,
          (current) => ({ write: transitionJob(current!, 'published', now()) }),
          now,
        );
      }),
    );
    // The writers did collide: the index survived lost compare-and-swaps, not an orderly queue.
    expect(store.conflicts()).toBeGreaterThan(0);
    const index = RepositoryIndex.parse((await store.read(indexObjectPath(REPO)))?.data);
    expect(index.jobs.map((entry) => entry.tag).sort()).toEqual([...tags].sort());
    expect(index.jobs.every((entry) => entry.state === 'published')).toBe(true);
    // Newest version first, and the badge names it.
    expect(index.jobs[0]?.version).toBe('1.39.0');
    expect((await store.read('repos/octo-org/widgets/badge.json'))?.data).toMatchObject({
      message: 'v1.39.0',
    });
  });

  it('brings the index in line with the job document on a keep, also after a write without metadata', async () => {
    const store = createMemoryDocumentStore();
    const at = new Date('2024-01-01T00:00:00Z');
    const id = { repository: REPO, tag: 'v1.0.0' };
    const published = transitionJob(newJob('v1.0.0', at), 'published', new Date('2024-01-01T00:01:00Z'));
    await updateJob(
      store,
      id,
      () => ({ write: published }),
      () => at,
    );
    // A writer that does not carry the entry metadata (an older release) forces a second attempt.
    const forced = { ...newJob('v1.0.0', new Date('2024-01-01T00:02:00Z')), attempt: 2 };
    await store.write(jobObjectPath(id), forced, {
      ifGenerationMatch: (await store.read(jobObjectPath(id)))!.generation,
    });
    await updateJob(
      store,
      id,
      () => ({ keep: true }),
      () => at,
    );
    const index = RepositoryIndex.parse((await store.read(indexObjectPath(REPO)))?.data);
    expect(index.jobs).toHaveLength(1);
    expect(index.jobs[0]).toMatchObject({ state: 'queued', attempt: 2 });
  });

  it('repairs a badge whose write failed after its index write, on the next update of the job', async () => {
    const store = createMemoryDocumentStore();
    const id = { repository: REPO, tag: 'v1.0.0' };
    const now = () => new Date();
    const badgePath = 'repos/octo-org/widgets/badge.json';
    const write = store.write.bind(store);
    let failBadge = true;
    store.write = async (path, data, options) => {
      if (path === badgePath && failBadge) {
        failBadge = false;
        throw new Error('503 backend error');
      }
      return write(path, data, options);
    };
    await updateJob(store, id, () => ({ write: newJob('v1.0.0', now()) }), now);
    await expect(
      updateJob(store, id, (current) => ({ write: transitionJob(current!, 'published', now()) }), now),
    ).rejects.toThrow('503');
    expect(await store.read(badgePath)).toBeUndefined();
    // The redelivered notification finds the job published and keeps it; the badge still follows.
    await updateJob(store, id, () => ({ keep: true }), now);
    expect((await store.read(badgePath))?.data).toMatchObject({ message: 'v1.0.0' });
  });

  it('never moves the badge back to an older version than one already published', async () => {
    const store = createMemoryDocumentStore();
    const now = () => new Date();
    const badgePath = 'repos/octo-org/widgets/badge.json';
    const publish = async (tag: string) => {
      const id = { repository: REPO, tag };
      await updateJob(store, id, () => ({ write: newJob(tag, now()) }), now);
      await updateJob(store, id, (current) => ({ write: transitionJob(current!, 'published', now()) }), now);
    };
    await publish('v1.2.0');
    // A writer that read the index before v1.2.0 was in it publishes v1.1.0 last, as under storage faults.
    const write = store.write.bind(store);
    const read = store.read.bind(store);
    store.read = async (path) => {
      const stored = await read(path);
      if (path !== indexObjectPath(REPO) || !stored) return stored;
      const index = RepositoryIndex.parse(stored.data);
      return { ...stored, data: { ...index, jobs: index.jobs.filter((entry) => entry.tag !== 'v1.2.0') } };
    };
    store.write = async (path, data, options) =>
      path === indexObjectPath(REPO)
        ? { success: true, data: { generation: options.ifGenerationMatch } }
        : write(path, data, options);
    await publish('v1.1.0');
    expect((await store.read(badgePath))?.data).toMatchObject({ message: 'v1.2.0' });
  });
});

describe('documents that fail their schema', () => {
  const at = () => new Date('2024-01-01T00:00:00Z');
  const id = { repository: REPO, tag: 'v1.0.0' };

  it('never takes an unreadable job document as absent: it throws and writes nothing', async () => {
    const store = createMemoryDocumentStore();
    await store.write(jobObjectPath(id), { state: 'published', history: {} }, { ifGenerationMatch: '0' });
    let asked = false;
    await expect(
      updateJob(store, id, () => ((asked = true), { write: newJob('v1.0.0', at()) }), at),
    ).rejects.toMatchObject({ name: 'UnreadableDocumentError', path: jobObjectPath(id) });
    expect(asked).toBe(false);
    expect(store.snapshot()).toEqual({ [jobObjectPath(id)]: { state: 'published', history: {} } });
  });

  it('moves the job on but leaves an unreadable index alone, logging it', async () => {
    const store = createMemoryDocumentStore();
    await store.write(indexObjectPath(REPO), { jobs: [{ constructor: 1 }] }, { ifGenerationMatch: '0' });
    const logs: string[] = [];
    const logger = createLogger({ write: (line) => logs.push(line) });
    const { changed } = await updateJob(store, id, () => ({ write: newJob('v1.0.0', at()) }), at, logger);
    expect(changed).toBe(true);
    expect((await store.read(indexObjectPath(REPO)))?.data).toEqual({ jobs: [{ constructor: 1 }] });
    expect(JSON.parse(logs[0] ?? '{}')).toMatchObject({ severity: 'ERROR', path: indexObjectPath(REPO) });
  });

  it('refuses to write what its readers would refuse', async () => {
    const store = createMemoryDocumentStore();
    const bad = { ...newJob('v1.0.0', at()), state: 'constructor' } as unknown as JobStatus;
    await expect(updateJob(store, id, () => ({ write: bad }), at)).rejects.toThrow(
      /Refused to write jobs\/octo-org\/widgets\/v1\.0\.0\.json: it fails its schema: state/,
    );
    expect(store.snapshot()).toEqual({});
  });
});
