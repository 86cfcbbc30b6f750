import { describe, expect, it } from 'vitest';
import { reportUpstreamDrift } from '../../../functions/reconcile/report-upstream-drift.js';
import { RepositoryConfig } from '../../../shared/config/repository-config.js';
import { indexObjectPath, jobObjectPath } from '../../../shared/contracts/job-id.js';
import type { JobEvent } from '../../../shared/events/job-event.js';
import { silentLogger } from '../../../shared/log/create-logger.js';
import { blankJob } from '../../../shared/status/blank-job.js';
import { JobStatus } from '../../../shared/status/job-status.js';
import { RepositoryIndex } from '../../../shared/status/repository-index.js';
import { transitionJob } from '../../../shared/status/transition-job.js';
import { updateJob } from '../../../shared/status/update-job.js';
import { createMemoryDocumentStore } from '../../fakes/create-memory-document-store.js';

const REPO = RepositoryConfig.parse({ repository: 'Octo-Org/Widgets' });
const [BUILT, MOVED] = ['a'.repeat(40), 'b'.repeat(40)];
const now = () => new Date('2026-12-01T12:00:00.000Z');

async function setup(upstream: Map<string, string>) {
  const store = createMemoryDocumentStore();
  for (const tag of ['v1.0.0', 'v2.0.0']) {
    const id = { repository: REPO.repository, tag };
    const job = transitionJob(
      blankJob(id, now(), { version: tag.slice(1), upstream: { commit: BUILT } }),
      'published',
      now(),
    );
    await updateJob(store, id, () => ({ write: job }), now);
  }
  const events: JobEvent[] = [];
  const deps = {
    store,
    events: { publish: async (event: JobEvent) => void events.push(event) },
    tagCommits: { commits: async () => upstream },
    clock: now,
    logger: silentLogger,
  };
  const index = async () => RepositoryIndex.parse((await store.read(indexObjectPath(REPO.repository)))?.data);
  const job = async (tag: string) =>
    JobStatus.parse((await store.read(jobObjectPath({ repository: REPO.repository, tag })))?.data);
  return { store, events, deps, index, job };
}

describe('reportUpstreamDrift', () => {
  it('records a moved and a deleted tag on the job and the index with both commits, and announces each once', async () => {
    const { events, deps, index, job } = await setup(new Map([['v1.0.0', MOVED]]));
    const first = await reportUpstreamDrift(deps, REPO, await index());
    expect(first).toEqual({
      errors: [],
      // In the index's order: the newest version first.
      drifted: [
        { repository: REPO.repository, tag: 'v2.0.0', kind: 'deleted', recordedCommit: BUILT },
        {
          repository: REPO.repository,
          tag: 'v1.0.0',
          kind: 'moved',
          recordedCommit: BUILT,
          upstreamCommit: MOVED,
        },
      ],
    });
    expect((await job('v1.0.0')).drift).toMatchObject({
      kind: 'moved',
      recordedCommit: BUILT,
      upstreamCommit: MOVED,
    });
    expect((await job('v1.0.0')).state).toBe('published');
    expect((await index()).jobs.map((entry) => entry.drift?.kind).sort()).toEqual(['deleted', 'moved']);
    expect(events.map((event) => [event.type, event.tag, event.drift?.kind])).toEqual([
      ['drift', 'v2.0.0', 'deleted'],
      ['drift', 'v1.0.0', 'moved'],
    ]);
    // The next run reports the same drift but writes and announces nothing more.
    const again = await reportUpstreamDrift(deps, REPO, await index());
    expect(again.drifted).toHaveLength(2);
    expect(events).toHaveLength(2);
  });

  it('clears the drift of a tag that points back at the commit it was built from', async () => {
    const upstream = new Map([
      ['v1.0.0', MOVED],
      ['v2.0.0', BUILT],
    ]);
    const { deps, index, job } = await setup(upstream);
    await reportUpstreamDrift(deps, REPO, await index());
    upstream.set('v1.0.0', BUILT);
    expect((await reportUpstreamDrift(deps, REPO, await index())).drifted).toEqual([]);
    expect((await job('v1.0.0')).drift).toBeUndefined();
  });
});
