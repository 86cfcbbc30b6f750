import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PubSub, type Subscription } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJobStatus } from '../../cli/read-status.js';
import { sampleSetuptoolsProject } from '../../local/demo/sample-project.js';
import type { JobStatus } from '../../shared/status/job-status.js';
import { expectHistoryEnds } from './expect-forward-only.js';
import { startFaultStack, type FaultStack } from './start-fault-stack.js';

const REPOSITORY = 'Fault-Org/Build-Errors';
const project = (version: string): Record<string, string> =>
  sampleSetuptoolsProject('build-errors', 'build_errors', version);
// setuptools runs setup.py beside pyproject.toml: one that exits fails the build step, one that sleeps outlasts the timeout.
const RELEASES = [
  { tag: 'v1.0.0', files: project('1.0.0') },
  {
    tag: 'v1.1.0',
    files: {
      ...project('1.1.0'),
      'setup.py': 'raise SystemExit("this release does not build, on purpose")\n',
    },
  },
  {
    tag: 'v1.2.0',
    files: { ...project('1.2.0'), 'setup.py': 'import time\n\ntime.sleep(600)\n' },
  },
];

interface Notification {
  data: Buffer;
  attributes: Record<string, string>;
}

describe('Cloud Build failing, timing out, and notifying twice and out of order', () => {
  let faults: FaultStack;
  let pubsub: PubSub;
  let capture: Subscription;
  const captured: Notification[] = [];

  beforeAll(async () => {
    faults = await startFaultStack({
      name: 'builds',
      repository: REPOSITORY,
      releases: RELEASES,
      // The shortest timeout the configuration allows; the sleeping build needs its own slot.
      functionEnv: { PKGRELAY_BUILD_TIMEOUT_SECONDS: '60' },
      buildConcurrency: 3,
    });
    pubsub = new PubSub({
      projectId: faults.stack.info.projectId,
      apiEndpoint: faults.stack.info.pubsub.host,
      emulatorMode: true,
    });
    // A second subscription on cloud-builds keeps a copy of every notification, to replay them later.
    [capture] = await pubsub
      .topic(faults.stack.info.pubsub.buildEventsTopic)
      .createSubscription('fault-capture');
    capture.on('message', (message: { data: Buffer; attributes: Record<string, string>; ack(): void }) => {
      captured.push({ data: message.data, attributes: { ...message.attributes } });
      message.ack();
    });
  });
  afterAll(async () => {
    await capture?.close();
    await pubsub?.close();
    await faults?.stop();
  });

  /** How many notifications build-events has judged stale or duplicate, from its log. */
  async function ignoredCount(): Promise<number> {
    const log = await readFile(join(faults.stack.info.logsDir, 'buildEvents.log'), 'utf8').catch(() => '');
    return log.split('\n').filter((line) => line.includes('build notification ignored')).length;
  }

  it('ends each job right, and replayed notifications change nothing', async () => {
    const answers = await Promise.all(RELEASES.map(({ tag }) => faults.deliver(tag)));
    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202]);

    const [published, broken, slow] = await Promise.all(RELEASES.map(({ tag }) => faults.follow(tag)));
    if (!published || !broken || !slow) throw new Error('a job is missing');
    expectHistoryEnds(published, 'published');
    expectHistoryEnds(broken, 'failed');
    expect(broken.error).toMatchObject({ code: 'BUILD_FAILED', step: 'build' });
    expect(broken.error?.logTail).toContain('this release does not build, on purpose');
    expectHistoryEnds(slow, 'failed');
    expect(slow.error?.code).toBe('TIMED_OUT');
    expect(slow.build?.status).toBe('TIMEOUT');
    for (const job of [published, broken, slow]) expect(await faults.builds(job.tag)).toHaveLength(1);

    // Every notification of the three builds, newest first, each sent twice: duplicates and out of order.
    const buildIds = new Set([published, broken, slow].map((job) => job.build?.id));
    await sleep(1_000);
    const replay = captured.filter((note) => buildIds.has(note.attributes['buildId'])).reverse();
    const statuses = new Set(
      replay.map((note) => `${note.attributes['buildId']}:${note.attributes['status']}`),
    );
    expect(statuses.size, 'QUEUED, WORKING and a final status of each build').toBeGreaterThanOrEqual(9);
    const before = await ignoredCount();
    const topic = pubsub.topic(faults.stack.info.pubsub.buildEventsTopic);
    for (const note of replay) {
      await topic.publishMessage(note);
      await topic.publishMessage(note);
    }
    const deadline = Date.now() + 60_000;
    while ((await ignoredCount()) < before + replay.length * 2 && Date.now() < deadline) await sleep(250);
    expect(await ignoredCount()).toBeGreaterThanOrEqual(before + replay.length * 2);

    const after = await Promise.all(
      [published, broken, slow].map((job) =>
        readJobStatus(faults.bucket, { repository: REPOSITORY, tag: job.tag }),
      ),
    );
    // Byte for byte what they were: no state, history entry, artifact or error moved.
    expect(after).toEqual([published, broken, slow] satisfies JobStatus[]);
  });
});
