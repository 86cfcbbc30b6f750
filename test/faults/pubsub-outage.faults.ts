import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectHistoryEnds } from './expect-forward-only.js';
import { sampleReleases, startFaultStack, type Answer, type FaultStack } from './start-fault-stack.js';

// Five deliveries fall inside the freeze, two after it.
const TAGS = 8;
const GAP_MS = 3_000;
const FREEZE_AT_MS = 2_000;
const FREEZE_MS = 15_000;

describe('a Pub/Sub outage in the middle of a burst of deliveries', () => {
  let faults: FaultStack;

  beforeAll(async () => {
    faults = await startFaultStack({
      name: 'outage',
      repository: 'Fault-Org/Outage',
      releases: sampleReleases('outage', TAGS),
    });
  });
  afterAll(async () => {
    // A failed assertion must not leave the emulator frozen behind the stack's stop.
    if (faults) process.kill(faults.stack.emulator.pid, 'SIGCONT');
    await faults?.stop();
  });

  it('answers every delivery 2xx or 503, and loses none answered 2xx', async () => {
    const pid = faults.stack.emulator.pid;
    const tags = sampleReleases('outage', TAGS).map((release) => release.tag);
    const started = Date.now();
    // The first delivery warms the webhook up: loading the Pub/Sub client on a cold, CPU-starved instance
    // blocks its event loop for seconds, a cold-start cost this test does not measure (see "Guarantees under faults" in the README).
    const first = await faults.deliver(tags[0] ?? '');
    expect(first.status).toBe(202);
    const freeze = (async () => {
      await sleep(FREEZE_AT_MS);
      process.kill(pid, 'SIGSTOP');
      const frozenAt = Date.now() - started;
      await sleep(FREEZE_MS);
      process.kill(pid, 'SIGCONT');
      return { frozenAt, resumedAt: Date.now() - started };
    })();
    // GitHub sends each delivery as its event happens, without waiting for the answers before.
    const rest = await Promise.all(
      tags.slice(1).map(async (tag, index) => {
        await sleep(FREEZE_AT_MS + 500 + index * GAP_MS);
        return faults.deliver(tag);
      }),
    );
    const answers = [first, ...rest];
    const window = await freeze;

    for (const answer of answers) {
      expect([202, 503], JSON.stringify(answer)).toContain(answer.status);
    }
    // The outage must have been felt: some deliveries refused, and some accepted besides the warm-up.
    expect(rest.filter((answer) => answer.status === 503).length, JSON.stringify(answers)).toBeGreaterThan(0);
    expect(rest.filter((answer) => answer.status === 202).length, JSON.stringify(answers)).toBeGreaterThan(0);

    // What GitHub's "Redeliver" does: the same delivery, same id, once Pub/Sub is back.
    const redelivered: Answer[] = [];
    for (const refused of answers.filter((answer) => answer.status === 503)) {
      const again = await faults.deliver(refused.tag, refused.deliveryId);
      redelivered.push(again);
      expect(again.status, JSON.stringify({ window, again })).toBe(202);
    }

    for (const tag of tags) {
      const job = await faults.follow(tag);
      expectHistoryEnds(job, 'published');
      expect(job.source?.deliveryId).toBe(answers.find((answer) => answer.tag === tag)?.deliveryId);
      expect((await faults.builds(tag)).map((build) => build.status)).toEqual(['SUCCESS']);
    }
    const version = (tag: string): string => tag.slice(1);
    expect((await faults.servedFiles()).sort()).toEqual(
      tags
        .flatMap((tag) => [`outage-${version(tag)}-py3-none-any.whl`, `outage-${version(tag)}.tar.gz`])
        .sort(),
    );
  });
});
