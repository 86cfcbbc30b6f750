import { describe, expect, it } from 'vitest';
import { runHotBackfill } from '../../bench/run-hot-backfill.js';

const TAGS = 60;

// One repository, 60 tags, through the real worker and build-events handlers on the storage stand-in
// with Cloud Storage's one write a second per object on (builds succeed when created). The 1,000-tag
// run is the hot-backfill benchmark's (bench/run-hot-backfill.ts), too long for CI.
describe(`a ${TAGS}-tag backfill of one repository`, () => {
  it('ends with every job and the index right, the index written far less often than jobs move', async () => {
    const run = await runHotBackfill({ tags: TAGS, concurrency: 64 });
    console.log(`hot backfill: ${JSON.stringify(run)}`);
    expect(run.wrong).toEqual([]);
    expect(run.badge).toBe(`v1.0.${TAGS - 1}`);
    // Every job moves its document at least five times over its two builds; had each move written
    // the index, the index alone would take that many writes, a second each at Cloud Storage's rate.
    expect(run.writes.jobs).toBeGreaterThanOrEqual(5 * run.tags);
    // Each index write took in the moves of about a second: many of them at once.
    expect(run.writes.index * 8).toBeLessThan(run.writes.jobs);
    expect(run.writes.badge).toBeLessThanOrEqual(run.writes.index + 2);
    // Writers wait out the interval instead of earning 429s; a few remain from timing on a busy
    // machine (before the pacing: about 36 a tag).
    expect(run.storage.refused).toBeLessThan(2 * run.tags);
  }, 300_000);
});
