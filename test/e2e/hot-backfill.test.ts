import { describe, expect, it } from 'vitest';
import { runHotBackfill } from '../../bench/run-hot-backfill.js';

// One repository, 1,000 tags, through the real worker and build-events handlers on the storage
// stand-in with Cloud Storage's one write a second per object on (builds succeed when created).
describe('a 1,000-tag backfill of one repository', () => {
  it('ends with every job and the index right, the index written far less often than jobs move', async () => {
    const run = await runHotBackfill({ tags: 1000, concurrency: 64 });
    console.log(`hot backfill: ${JSON.stringify(run)}`);
    expect(run.wrong).toEqual([]);
    expect(run.badge).toBe('v1.0.999');
    // Every job moves its document at least three times (claimed, building, published); had each of
    // those written the index, the index alone would take 3,000 writes, i.e. 3,000 s at Cloud Storage's rate.
    expect(run.writes.jobs).toBeGreaterThanOrEqual(3 * run.tags);
    // Each index write took in the jobs of about a second: several of their moves at once.
    expect(run.writes.index * 4).toBeLessThan(run.writes.jobs);
    expect(run.writes.badge).toBeLessThanOrEqual(run.writes.index + 10);
  }, 1_200_000);
});
