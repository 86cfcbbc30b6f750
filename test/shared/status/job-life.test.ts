import { describe, expect, it } from 'vitest';
import { createBuildPlan } from '../../../shared/build/create-build-plan.js';
import { RepositoryConfig } from '../../../shared/config/repository-config.js';
import { jobObjectPath } from '../../../shared/contracts/job-id.js';
import { createLogger } from '../../../shared/log/create-logger.js';
import { adoptAttemptBuild } from '../../../shared/status/adopt-attempt-build.js';
import { claimJob, type ClaimOptions } from '../../../shared/status/claim-job.js';
import { failJob } from '../../../shared/status/fail-job.js';
import { changeWhileHeld, releaseClaim, renewClaim } from '../../../shared/status/hold-claim.js';
import type { JobLife } from '../../../shared/status/job-life.js';
import { JobStatus, type JobState } from '../../../shared/status/job-status.js';
import { judgeForwardMove } from '../../../shared/status/judge-forward-move.js';
import { recordBuild } from '../../../shared/status/record-build.js';
import { createFakeBuildService } from '../../fakes/create-fake-build-service.js';
import { createFakeClock } from '../../fakes/create-fake-clock.js';
import { createMemoryDocumentStore, randomTurns } from '../../fakes/create-memory-document-store.js';

const ID = { repository: 'Octo-Org/Widgets', tag: 'v1.0.0' };
const PKG = RepositoryConfig.parse({ repository: ID.repository });

function setup() {
  const store = createMemoryDocumentStore();
  const clock = createFakeClock();
  const logs: Array<Record<string, unknown>> = [];
  const life: JobLife = {
    store,
    clock: clock.now,
    logger: createLogger({ write: (line) => logs.push(JSON.parse(line) as Record<string, unknown>) }),
  };
  const read = async () => {
    const stored = await store.read(jobObjectPath(ID));
    return stored && JobStatus.parse(stored.data);
  };
  const options = (holder: string): ClaimOptions => ({
    holder,
    leaseSeconds: 60,
    maxLeaseWaitMs: 0,
    sleep: async (ms) => clock.advance(ms),
  });
  const claim = (holder: string, force = false, messageId = `m-${holder}`) =>
    claimJob(life, { id: ID, force, messageId, pkg: PKG, version: '1.0.0' }, options(holder));
  return { store, clock, life, read, claim, logs, options };
}

describe('statuses only move forward', () => {
  it.each([
    ['queued', 'building', ''],
    ['queued', 'failed', ''],
    ['building', 'published', ''],
    ['building', 'building', 'the job is already building'],
    ['published', 'failed', 'the job is already published'],
    ['failed', 'building', 'the job is already failed'],
    ['skipped', 'published', 'the job is already skipped'],
  ] as Array<[JobState, JobState, string]>)('%s to %s: %j', (from, to, reason) => {
    expect(judgeForwardMove({ state: from }, to)).toBe(reason);
  });
});

describe('claiming a job', () => {
  it('lets one of many workers claim it at once; the others wait on its lease', async () => {
    const { claim, store, read } = setup();
    store.pause = randomTurns(5, 7);
    const outcomes = await Promise.all(['a', 'b', 'c', 'd'].map((holder) => claim(holder)));
    expect(outcomes.filter((outcome) => outcome.action === 'claim')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.action === 'wait')).toHaveLength(3);
    expect((await read())?.history.map((entry) => entry.state)).toEqual(['queued']);
    expect(store.conflicts()).toBeGreaterThan(0);
  });

  it('takes over an expired lease with the same attempt, and a forced run with the next', async () => {
    const { claim, clock, life, read } = setup();
    const first = await claim('a');
    expect(first).toMatchObject({ action: 'claim', takeover: false, claim: { attempt: 1 } });
    clock.advance(61_000);
    expect(await claim('b')).toMatchObject({ action: 'claim', takeover: true, claim: { attempt: 1 } });
    // The worker that lost its lease can no longer write, renew or release.
    if (first.action !== 'claim') throw new Error('not claimed');
    expect(await renewClaim(life, first.claim)).toBe(false);
    expect(await changeWhileHeld(life, first.claim, (job) => ({ ...job, version: 'x' }))).toBe(false);
    await releaseClaim(life, first.claim);
    expect((await read())?.lease?.holder).toBe('b');
    await failJob(life, ID, { code: 'BUILD_FAILED', message: 'it broke' }, { leave: () => '' });
    expect(await claim('c', true)).toMatchObject({ action: 'claim', claim: { attempt: 2 } });
    expect(await read()).toMatchObject({ attempt: 2, replaces: { attempt: 1, state: 'failed' } });
  });

  it('waits out a lease that ends soon, once, instead of asking for a retry', async () => {
    const { life, claim, options } = setup();
    await claim('a');
    const outcome = await claimJob(
      life,
      { id: ID, force: false, messageId: 'm-b', pkg: PKG, version: '1.0.0' },
      { ...options('b'), maxLeaseWaitMs: 60_000 },
    );
    expect(outcome).toMatchObject({ action: 'claim', takeover: true });
  });
});

describe('recording and adopting builds', () => {
  it('records the started build once; a second build of the attempt is logged at ERROR', async () => {
    const { claim, life, read, logs } = setup();
    const claimed = await claim('a');
    if (claimed.action !== 'claim') throw new Error('not claimed');
    await recordBuild(life, claimed.claim, { id: 'b-1', logUrl: 'https://logs/b-1' });
    const job = await read();
    expect(job).toMatchObject({ state: 'queued', build: { id: 'b-1', logUrl: 'https://logs/b-1' } });
    expect(job?.lease).toBeUndefined();
    await recordBuild(life, claimed.claim, { id: 'b-2' });
    expect((await read())?.build?.id).toBe('b-1');
    expect(logs).toContainEqual(
      expect.objectContaining({ severity: 'ERROR', buildId: 'b-2', recorded: 'b-1' }),
    );
  });

  it('adopts the build a dead worker started for its attempt, and none of another attempt', async () => {
    const { claim, clock, life, read } = setup();
    const builds = createFakeBuildService();
    const plan = (attempt: number) =>
      createBuildPlan({
        projectId: 'p',
        repository: ID.repository,
        tag: ID.tag,
        version: '1.0.0',
        attempt,
        repo: PKG,
        upstreamBase: 'https://github.com',
        registryUrl: 'http://registry/',
        isolation: true,
        registryAuth: 'none',
        timeoutSeconds: 600,
        stagingLocation: 'gs://p-staging/staging/x/',
      });
    await builds.start(plan(7));
    const first = await claim('dead');
    if (first.action !== 'claim') throw new Error('not claimed');
    const deps = { serviceAccount: undefined, buildTimeoutSeconds: 600 };
    expect(await adoptAttemptBuild(life, builds, first.claim, deps)).toBeUndefined();
    await builds.start(plan(1));
    clock.advance(61_000);
    const second = await claim('alive');
    if (second.action !== 'claim') throw new Error('not claimed');
    expect(await adoptAttemptBuild(life, builds, first.claim, deps)).toEqual({ lost: true });
    expect(await adoptAttemptBuild(life, builds, second.claim, deps)).toEqual({
      adopted: 'build-2',
      status: 'QUEUED',
    });
    expect(await read()).toMatchObject({ state: 'building', build: { id: 'build-2' } });
  });
});

describe('failing a job with a reason', () => {
  it('creates a failed job where none is, with the blank fields, the error and the note', async () => {
    const { life, read } = setup();
    const result = await failJob(
      life,
      ID,
      { code: 'NOT_CONFIGURED', message: 'add it' },
      { leave: () => '', blank: { source: { kind: 'manual' } } },
    );
    expect(result).toEqual({ failed: true });
    expect(await read()).toMatchObject({
      state: 'failed',
      source: { kind: 'manual' },
      error: { code: 'NOT_CONFIGURED', message: 'add it' },
      history: [{ state: 'failed', note: 'add it' }],
    });
  });

  it('drops the lease, adds the changes, and leaves a job its rule keeps', async () => {
    const { life, claim, read } = setup();
    await claim('a');
    const rules = {
      leave: (job: JobStatus | undefined) => (job?.state === 'failed' ? 'already failed' : ''),
      changes: () => ({ build: { id: 'b-1', status: 'SUCCESS' } }),
    };
    expect(await failJob(life, ID, { code: 'DEAD_LETTERED', message: 'gave up' }, rules)).toEqual({
      failed: true,
    });
    const job = await read();
    expect(job?.lease).toBeUndefined();
    expect(job).toMatchObject({ state: 'failed', build: { id: 'b-1' }, error: { code: 'DEAD_LETTERED' } });
    expect(await failJob(life, ID, { code: 'BUILD_FAILED', message: 'again' }, rules)).toEqual({
      failed: false,
      reason: 'already failed',
    });
    expect((await read())?.error?.code).toBe('DEAD_LETTERED');
  });
});
