import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJobStatus } from '../../cli/read-status.js';
import type { RunningFunction } from '../../local/stack/start-function.js';
import type { JobStatus } from '../../shared/status/job-status.js';
import { expectHistoryEnds } from './expect-forward-only.js';
import { startDelayingProxy, type DelayingProxy } from './start-delaying-proxy.js';
import { startHoldingProxy, type HoldingProxy } from './start-holding-proxy.js';
import { sampleReleases, startFaultStack, type FaultStack } from './start-fault-stack.js';

const TAGS = 4;
const REPOSITORY = 'Fault-Org/Crashes';
// Every registry request of the worker (and the builds' uploads) waits this long behind a proxy, so a
// worker holds each claim's lease at least this long: long enough to be killed while it does.
const REGISTRY_DELAY_MS = 2_000;

describe('functions killed and restarted during a burst', () => {
  let faults: FaultStack;
  let slowRegistry: DelayingProxy;
  // Every storage request of the functions passes it; it stops only the one write a test chooses.
  let storage: HoldingProxy;
  const releases = sampleReleases('crashes', TAGS + 1);
  const tags = releases.slice(0, TAGS).map((release) => release.tag);
  // Delivered alone, after the burst: the tag whose publish phase build-events dies starting.
  const lateTag = releases[TAGS]?.tag ?? '';

  beforeAll(async () => {
    slowRegistry = await startDelayingProxy(REGISTRY_DELAY_MS);
    storage = await startHoldingProxy();
    faults = await startFaultStack({
      name: 'crashes',
      repository: REPOSITORY,
      releases,
      functionEnv: { PKGRELAY_REGISTRY_URL: `${slowRegistry.url}/`, STORAGE_EMULATOR_HOST: storage.url },
    });
    slowRegistry.target = faults.stack.info.registry.url;
    storage.target = `${faults.stack.info.storage.host}/`;
  });
  afterAll(async () => {
    await faults?.stop();
    await slowRegistry?.close();
    await storage?.close();
  });

  /** Resolves with the first job of the burst `holds` says yes to, polling the bucket as a reader would. */
  async function untilAnyJob(
    what: string,
    holds: (job: JobStatus) => boolean,
    timeoutMs = 180_000,
  ): Promise<JobStatus> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const tag of tags) {
        const job = await readJobStatus(faults.bucket, { repository: REPOSITORY, tag });
        if (job && holds(job)) return job;
      }
      await sleep(50);
    }
    throw new Error(`no job was ${what} within ${timeoutMs} ms`);
  }

  async function crash(fn: RunningFunction | undefined, downMs: number, whileDown = () => {}): Promise<void> {
    if (!fn) throw new Error('the function is not running');
    const exited = once(fn.process, 'exit');
    fn.process.kill('SIGKILL');
    await exited;
    whileDown();
    await sleep(downMs);
    await fn.restart();
  }

  it('finishes every job exactly once: one build and one upload per tag', async () => {
    const answers = await Promise.all(tags.map((tag) => faults.deliver(tag)));
    expect(answers.map((answer) => answer.status)).toEqual(tags.map(() => 202));

    // The worker dies while it holds a claim (a live lease, no build yet): work a takeover must
    // finish without a second build. build-events dies while builds report.
    const claimed = await untilAnyJob(
      'claimed without a build',
      // Claimed in the last second (the stack's leases last 10 s), so its registry wait is far from over.
      (job) =>
        !job.build &&
        job.lease !== undefined &&
        Date.parse(job.lease.expiresAt) - 10_000 > Date.now() - 1_000,
    );
    const killedAt = Date.now();
    await crash(faults.stack.functions['worker'], 1_000);
    const building = await untilAnyJob('building', (job) => job.state === 'building');
    await crash(faults.stack.functions['buildEvents'], 3_000);

    for (const tag of tags) {
      const job = await faults.follow(tag);
      expectHistoryEnds(job, 'published');
      const builds = await faults.builds(tag);
      expect(
        builds.map((build) => [build.id, build.status]),
        `${tag} (worker killed holding ${claimed.tag}, build-events at ${building.tag} building)`,
      ).toEqual([[job.build?.id, 'SUCCESS']]);
      expect(job.artifacts.map((artifact) => artifact.uploaded)).toEqual([true, true]);
    }
    // The claim the crash interrupted was finished after it: its one build was started by the
    // worker that took the job over, not by the one that died holding it.
    const [interrupted] = await faults.builds(claimed.tag);
    expect(Date.parse(interrupted?.createTime ?? '')).toBeGreaterThan(killedAt);
    // No redelivery ran out of attempts while a dead worker's lease was live: nothing was dead-lettered.
    const [deadLetters] = await faults.bucket.getFiles({ prefix: 'dead-letters/' });
    expect(deadLetters.map((file) => file.name)).toEqual([]);
    const files = await faults.servedFiles();
    expect(files.length, files.join(', ')).toBe(TAGS * 2);
    expect(new Set(files).size).toBe(files.length);
  });

  it('build-events killed after starting a publish phase, before recording it: that one publishes', async () => {
    // The crash point: the publish phase exists in Cloud Build, its id not yet in the job.
    const recording = storage.holdNext(['"publishBuild"', `"tag": "${lateTag}"`]);
    expect((await faults.deliver(lateTag)).status).toBe(202);
    await recording;
    const [running, ...others] = await faults.builds(lateTag, 'publish');
    expect(running, 'a publish phase was started before the record').toBeDefined();
    expect(others).toEqual([]);
    expect(
      (await readJobStatus(faults.bucket, { repository: REPOSITORY, tag: lateTag }))?.publishBuild,
    ).toBeUndefined();
    // The write never lands: it dies with the process. Pub/Sub redelivers the build phase's success.
    await crash(faults.stack.functions['buildEvents'], 1_000, () => storage.dropHeld());

    const job = await faults.follow(lateTag);
    expectHistoryEnds(job, 'published');
    const publishes = await faults.builds(lateTag, 'publish');
    // Exactly one publish phase for the attempt: the one started before the crash, recorded after it.
    expect(publishes.map((build) => [build.id, build.status])).toEqual([[running?.id, 'SUCCESS']]);
    expect(job.publishBuild?.id).toBe(running?.id);
    expect((await faults.builds(lateTag)).map((build) => build.id)).toEqual([job.build?.id]);
    expect(job.artifacts.map((artifact) => artifact.uploaded)).toEqual([true, true]);
    const files = await faults.servedFiles();
    expect(files.length, files.join(', ')).toBe((TAGS + 1) * 2);
  });
});
