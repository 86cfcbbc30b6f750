import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRepositoryIndex } from '../../cli/read-status.js';
import { badgeObjectPath } from '../../shared/contracts/job-id.js';
import type { JobState } from '../../shared/status/job-status.js';
import { expectForwardOnly, expectHistoryEnds } from './expect-forward-only.js';
import { sampleReleases, startFaultStack, type FaultStack } from './start-fault-stack.js';

const TAGS = 4;
const REPOSITORY = 'Fault-Org/Flaky-Store';

describe('the status bucket failing one write in five with 412 or 503', () => {
  let faults: FaultStack;
  const faultControl = (): URL => new URL('/_pkgrelay/faults', faults.stack.info.storage.host);

  beforeAll(async () => {
    faults = await startFaultStack({
      name: 'storage',
      repository: REPOSITORY,
      releases: sampleReleases('flaky-store', TAGS),
    });
  });
  afterAll(async () => {
    if (faults) await fetch(faultControl(), { method: 'DELETE' }).catch(() => {});
    await faults?.stop();
  });

  it('loses no status update, moves none backwards, and finishes every job', async () => {
    const on = await fetch(faultControl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ writeFailureRate: 0.2, statuses: [503, 412], seed: 1105 }),
    });
    expect(on.status).toBe(200);

    const tags = sampleReleases('flaky-store', TAGS).map((release) => release.tag);
    const answers = await Promise.all(tags.map((tag) => faults.deliver(tag)));
    expect(answers.map((answer) => answer.status)).toEqual(tags.map(() => 202));

    // What a reader polling the bucket sees must move forward too, not only the recorded history.
    const jobs = await Promise.all(
      tags.map(async (tag) => {
        const seen: JobState[] = [];
        const job = await faults.follow(tag, {
          onChange: (status) => seen.push(status.state),
          intervalMs: 100,
        });
        return { job, seen };
      }),
    );
    const settings = (await (await fetch(faultControl())).json()) as { injected: number };
    expect(settings.injected, 'the faults must have fired').toBeGreaterThan(3);

    for (const { job, seen } of jobs) {
      expectHistoryEnds(job, 'published');
      expectForwardOnly(seen, `${job.tag} as polled`);
      // Every transition is recorded once, in order: none lost to a failed write, none repeated by a retry.
      const states = job.history.map((entry) => entry.state);
      expect(states, `${job.tag} history`).toEqual(['queued', 'building', 'published']);
      const builds = await faults.builds(job.tag);
      expect(builds.map((build) => [build.id, build.status])).toEqual([[job.build?.id, 'SUCCESS']]);
      expect(job.artifacts.map((artifact) => artifact.uploaded)).toEqual([true, true]);
    }

    // The repository index and badge (also written by compare-and-swap under the same faults) lost no
    // update. They are written after the job document, so they may lag it by a write and its client
    // retries (seconds): wait for them, bounded, and fail if they never catch up.
    const expected = tags.map((tag) => [tag, 'published']).sort();
    // Faults stay on meanwhile: the index and badge must catch up through them, not once they stop.
    const settled = await settleIndex(faults, expected, 30_000);
    await fetch(faultControl(), { method: 'DELETE' });
    expect(settled.entries, settled.seen).toEqual(expected);
    expect(settled.badge).toMatchObject({ message: `v1.${TAGS - 1}.0` });
    expect((await faults.servedFiles()).length).toBe(TAGS * 2);
  });
});

/** Polls the repository index and badge until they match `expected` or `timeoutMs` passes; returns what it saw last. */
async function settleIndex(
  faults: FaultStack,
  expected: string[][],
  timeoutMs: number,
): Promise<{ entries: string[][]; badge: unknown; seen: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const index = await readRepositoryIndex(faults.bucket, REPOSITORY);
    const entries = (index?.jobs ?? []).map((entry) => [entry.tag, entry.state]).sort();
    const [text] = await faults.bucket
      .file(badgeObjectPath(REPOSITORY))
      .download()
      .catch(() => [Buffer.from('null')]);
    const badge: unknown = JSON.parse(text.toString());
    const done =
      JSON.stringify(entries) === JSON.stringify(expected) &&
      (badge as { message?: string } | null)?.message === `v1.${TAGS - 1}.0`;
    if (done || Date.now() > deadline) return { entries, badge, seen: JSON.stringify(index) };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
