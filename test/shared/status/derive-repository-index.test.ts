import { describe, expect, it } from 'vitest';
import { jobObjectPath } from '../../../shared/contracts/job-id.js';
import { silentLogger } from '../../../shared/log/create-logger.js';
import { blankJob } from '../../../shared/status/blank-job.js';
import { deriveRepositoryIndex } from '../../../shared/status/derive-repository-index.js';
import type { IndexFold } from '../../../shared/status/index-fold.js';
import { createVersionRanks } from '../../../shared/status/rank-versions.js';
import { transitionJob } from '../../../shared/status/transition-job.js';
import { updateJobDocument } from '../../../shared/status/update-job-document.js';
import { createMemoryDocumentStore } from '../../fakes/create-memory-document-store.js';

const REPO = 'Fold-Org/Widgets';
const at = new Date('2024-01-01T00:00:00Z');

describe('deriveRepositoryIndex with a fold', () => {
  it('takes the entry of a generation it holds from the fold, and a new generation from the listing', async () => {
    const store = createMemoryDocumentStore();
    const tags = ['v1.0.0', 'v1.10.0', 'v1.2.0'];
    for (const tag of tags) {
      await updateJobDocument(store, { repository: REPO, tag }, () => ({
        write: blankJob({ repository: REPO, tag }, at, { version: tag.slice(1) }),
      }));
    }
    const fold: Pick<IndexFold, 'entries' | 'ranks'> = { entries: new Map(), ranks: createVersionRanks() };
    const first = await deriveRepositoryIndex(store, REPO, undefined, at, silentLogger, fold);
    expect(first.jobs.map((entry) => entry.tag)).toEqual(['v1.10.0', 'v1.2.0', 'v1.0.0']);
    expect(fold.entries.size).toBe(3);

    // A generation's entry never changes, so the fold's is used as it is, without parsing the listing's.
    const path = jobObjectPath({ repository: REPO, tag: 'v1.2.0' });
    const held = fold.entries.get(path)!;
    fold.entries.set(path, { ...held, entry: { ...held.entry, attempt: 7 } });
    const second = await deriveRepositoryIndex(store, REPO, first, at, silentLogger, fold);
    expect(second.jobs.find((entry) => entry.tag === 'v1.2.0')?.attempt).toBe(7);

    await updateJobDocument(store, { repository: REPO, tag: 'v1.2.0' }, (job) => ({
      write: transitionJob(job!, 'building', at),
    }));
    const third = await deriveRepositoryIndex(store, REPO, second, at, silentLogger, fold);
    expect(third.jobs.find((entry) => entry.tag === 'v1.2.0')).toMatchObject({
      attempt: 1,
      state: 'building',
    });
    expect(third.jobs.map((entry) => entry.tag)).toEqual(['v1.10.0', 'v1.2.0', 'v1.0.0']);
  });
});
