import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJobStatus } from '../../cli/read-status.js';
import type { RunningFunction } from '../../local/stack/start-function.js';
import type { JobState } from '../../shared/status/job-status.js';
import { expectHistoryEnds } from './expect-forward-only.js';
import { sampleReleases, startFaultStack, type FaultStack } from './start-fault-stack.js';

const TAGS = 4;
const REPOSITORY = 'Fault-Org/Crashes';

describe('functions killed and restarted during a burst', () => {
  let faults: FaultStack;
  const tags = sampleReleases('crashes', TAGS).map((release) => release.tag);

  beforeAll(async () => {
    faults = await startFaultStack({
      name: 'crashes',
      repository: REPOSITORY,
      releases: sampleReleases('crashes', TAGS),
    });
  });
  afterAll(async () => faults?.stop());

  /** Resolves once some job of the burst is in `state`, polling the bucket as a reader would. */
  async function untilAnyJob(state: JobState, timeoutMs = 180_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const tag of tags) {
        const job = await readJobStatus(faults.bucket, { repository: REPOSITORY, tag });
        if (job?.state === state) return tag;
      }
      await sleep(50);
    }
    throw new Error(`no job reached ${state} within ${timeoutMs} ms`);
  }

  async function crash(fn: RunningFunction | undefined, downMs: number): Promise<void> {
    if (!fn) throw new Error('the function is not running');
    const exited = once(fn.process, 'exit');
    fn.process.kill('SIGKILL');
    await exited;
    await sleep(downMs);
    await fn.restart();
  }

  it('finishes every job exactly once: one build and one upload per tag', async () => {
    const answers = await Promise.all(tags.map((tag) => faults.deliver(tag)));
    expect(answers.map((answer) => answer.status)).toEqual(tags.map(() => 202));

    // The worker dies while it holds claims; build-events dies while builds report.
    const claimed = await untilAnyJob('queued');
    await crash(faults.stack.functions['worker'], 1_000);
    const building = await untilAnyJob('building');
    await crash(faults.stack.functions['buildEvents'], 3_000);

    for (const tag of tags) {
      const job = await faults.follow(tag);
      expectHistoryEnds(job, 'published');
      const builds = await faults.builds(tag);
      expect(
        builds.map((build) => [build.id, build.status]),
        `${tag} (worker killed at ${claimed} queued, build-events at ${building} building)`,
      ).toEqual([[job.build?.id, 'SUCCESS']]);
      expect(job.artifacts.map((artifact) => artifact.uploaded)).toEqual([true, true]);
    }
    // No redelivery ran out of attempts while a dead worker's lease was live: nothing was dead-lettered.
    const [deadLetters] = await faults.bucket.getFiles({ prefix: 'dead-letters/' });
    expect(deadLetters.map((file) => file.name)).toEqual([]);
    const files = await faults.servedFiles();
    expect(files.length, files.join(', ')).toBe(TAGS * 2);
    expect(new Set(files).size).toBe(files.length);
  });
});
