import { describe, expect, it } from 'vitest';
import { jobBuildTag } from '../../../shared/build/job-build-tag.js';
import { readBuild, type BuildNotification } from '../../../shared/build/read-build-notification.js';
import { RepositoryConfig } from '../../../shared/config/repository-config.js';
import { jobObjectPath } from '../../../shared/contracts/job-id.js';
import { createLogger } from '../../../shared/log/create-logger.js';
import { JobStatus } from '../../../shared/status/job-status.js';
import { recordBuildOutcome } from '../../../shared/status/record-build-outcome.js';
import { startPublishPhase, type PublishPhaseDeps } from '../../../shared/status/start-publish-phase.js';
import { createFakeBuildService } from '../../fakes/create-fake-build-service.js';
import { createFakeClock } from '../../fakes/create-fake-clock.js';
import { createMemoryDocumentStore, randomTurns } from '../../fakes/create-memory-document-store.js';

const JOB = { repository: 'Octo-Org/Widgets', tag: 'v1.0.0' };
const LEASE_SECONDS = 60;
// What the build phase's fetch step checked out.
const FETCHED = { commit: 'a'.repeat(40), tree: 'b'.repeat(40) };

// The build phase's success as Cloud Build reports it: its archive staged, its packed files named.
function buildPhaseSuccess(): BuildNotification & { job: typeof JOB & { attempt: number } } {
  const notification = readBuild({
    id: 'b-1',
    status: 'SUCCESS',
    substitutions: {
      _PKGRELAY_REPOSITORY: JOB.repository,
      _PKGRELAY_TAG: JOB.tag,
      _PKGRELAY_ATTEMPT: '1',
      _PKGRELAY_PHASE: 'build',
    },
    tags: ['pkgrelay', jobBuildTag(JOB)],
    steps: ['fetch', 'build', 'pack'].map((id) => ({ id, status: 'SUCCESS' })),
    results: {
      buildStepOutputs: [
        Buffer.from(JSON.stringify(FETCHED)),
        '',
        Buffer.from(JSON.stringify({ files: ['widgets-1.0.0.tar.gz'] })),
      ],
    },
    artifacts: { objects: { location: 'gs://p-staging/staging/0b7e/' } },
  });
  if (!notification?.job) throw new Error('the fixture is not a pkgrelay build');
  return { ...notification, job: notification.job };
}

async function setup() {
  const store = createMemoryDocumentStore();
  const builds = createFakeBuildService();
  const clock = createFakeClock();
  const at = clock.now().toISOString();
  const job: JobStatus = {
    schemaVersion: 1,
    ...JOB,
    version: '1.0.0',
    state: 'building',
    attempt: 1,
    createdAt: at,
    updatedAt: at,
    artifacts: [],
    history: [
      { state: 'queued', at, attempt: 1 },
      { state: 'building', at, attempt: 1 },
    ],
    build: { id: 'b-1' },
  };
  await store.write(jobObjectPath(JOB), job, { ifGenerationMatch: '0' });
  const deps = (holder: string): PublishPhaseDeps => ({
    store,
    builds,
    repositories: [RepositoryConfig.parse({ repository: JOB.repository })],
    builderAccountOf: () => undefined,
    buildTimeoutSeconds: 600,
    holder,
    leaseSeconds: LEASE_SECONDS,
    clock: clock.now,
    logger: createLogger({ write: () => {} }),
  });
  const read = async () => JobStatus.parse((await store.read(jobObjectPath(JOB)))?.data);
  const publishBuilds = () => builds.builds.filter((b) => b.substitutions['_PKGRELAY_PHASE'] === 'publish');
  return { store, builds, clock, deps, read, publishBuilds };
}

describe('starting the publish phase', () => {
  it('starts one and records it, then leaves the job to it', async () => {
    const { deps, read, publishBuilds } = await setup();
    expect(await startPublishPhase(deps('a'), buildPhaseSuccess())).toEqual({ started: 'build-1' });
    const job = await read();
    expect(job).toMatchObject({ schemaVersion: 2, publishBuild: { id: 'build-1' }, state: 'building' });
    expect(job.lease).toBeUndefined();
    expect(await startPublishPhase(deps('b'), buildPhaseSuccess())).toEqual({
      ignored: "the job's publish phase build-1 is recorded",
    });
    expect(publishBuilds()).toHaveLength(1);
  });

  it('records what the build phase fetched when the publish build finished before it was recorded', async () => {
    const { deps, read, store, clock, builds } = await setup();
    // A fast publish build's SUCCESS reaches build-events while the starter's write waits its turn on the object.
    builds.afterCreate = async (created) => {
      const { changed } = await recordBuildOutcome(
        { store, clock: clock.now, logger: createLogger({ write: () => {} }), readBuild: builds.get },
        JOB,
        {
          build: { buildId: created.id, status: 'SUCCESS', phase: 'publish' },
          outcome: { state: 'published', artifacts: [] },
          resource: {},
        },
        () => undefined,
      );
      expect(changed).toBe(true);
    };
    expect(await startPublishPhase(deps('a'), buildPhaseSuccess())).toEqual({ started: 'build-1' });
    expect(await read()).toMatchObject({
      state: 'published',
      publishBuild: { id: 'build-1' },
      build: { id: 'b-1', status: 'SUCCESS' },
      upstream: FETCHED,
    });
  });

  it('moves a job whose build notifications were all lost from queued to building', async () => {
    const { deps, read, store } = await setup();
    const path = jobObjectPath(JOB);
    const stored = (await store.read(path))!;
    const queued = { ...(stored.data as JobStatus), state: 'queued', history: [] };
    await store.write(path, queued, { ifGenerationMatch: stored.generation });
    await startPublishPhase(deps('a'), buildPhaseSuccess());
    expect((await read()).history.map((entry) => entry.state)).toEqual(['building']);
  });

  it('starts exactly one when build-events, its redelivery and reconcile race (8 seeded interleavings)', async () => {
    let conflicts = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const { deps, store, publishBuilds, read } = await setup();
      store.pause = randomTurns(6, seed);
      const results = await Promise.all(
        ['build-events-1', 'build-events-2', 'reconcile'].map((holder) =>
          startPublishPhase(deps(holder), buildPhaseSuccess()),
        ),
      );
      expect(publishBuilds(), `seed ${seed}`).toHaveLength(1);
      expect(results.filter((result) => 'started' in result)).toHaveLength(1);
      // The losers saw the winner's lease or its record.
      for (const result of results.filter((r) => !('started' in r)))
        expect(Object.keys(result)).toEqual([expect.stringMatching(/^(waiting|ignored)$/)]);
      expect((await read()).publishBuild?.id).toBe(publishBuilds()[0]?.id);
      conflicts += store.conflicts();
    }
    // The compare-and-swap decided: in some runs the callers' writes did collide.
    expect(conflicts).toBeGreaterThan(0);
  });

  it('waits out another starter\u2019s live lease, then takes over and starts the build it never started', async () => {
    const { deps, clock, store, read, publishBuilds } = await setup();
    const lease = { holder: 'dead', expiresAt: new Date(clock.now().getTime() + 60_000).toISOString() };
    const stored = (await store.read(jobObjectPath(JOB)))!;
    await store.write(
      jobObjectPath(JOB),
      { ...(stored.data as JobStatus), lease },
      { ifGenerationMatch: stored.generation },
    );
    expect(await startPublishPhase(deps('b'), buildPhaseSuccess())).toEqual({
      waiting: `dead starts the publish phase until ${lease.expiresAt}`,
    });
    expect(publishBuilds()).toHaveLength(0);
    clock.advance(60_001);
    expect(await startPublishPhase(deps('b'), buildPhaseSuccess())).toEqual({ started: 'build-1' });
    expect(publishBuilds()).toHaveLength(1);
    expect((await read()).lease).toBeUndefined();
  });

  it('gives its lease up when Cloud Build refuses the start, so the next try need not wait', async () => {
    const { deps, clock, builds, read, publishBuilds } = await setup();
    builds.failStarts(1);
    await expect(startPublishPhase(deps('a'), buildPhaseSuccess())).rejects.toThrow(/Unable to start/);
    expect(Date.parse((await read()).lease?.expiresAt ?? '')).toBeLessThanOrEqual(clock.now().getTime());
    expect(await startPublishPhase(deps('b'), buildPhaseSuccess())).toEqual({ started: 'build-1' });
    expect(publishBuilds()).toHaveLength(1);
  });

  it('adopts the publish build a starter created but never recorded, and starts none', async () => {
    const { deps, builds, read, publishBuilds } = await setup();
    builds.afterCreate = () => {
      throw new Error('the answer to createBuild was lost');
    };
    await expect(startPublishPhase(deps('a'), buildPhaseSuccess())).rejects.toThrow(/Unable to start/);
    builds.afterCreate = () => {};
    expect(publishBuilds()).toHaveLength(1);
    expect((await read()).publishBuild).toBeUndefined();
    expect(await startPublishPhase(deps('reconcile'), buildPhaseSuccess())).toEqual({ adopted: 'build-1' });
    expect(publishBuilds()).toHaveLength(1);
    expect((await read()).publishBuild?.id).toBe('build-1');
  });
});
