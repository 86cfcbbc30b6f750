import { describe, expect, it } from 'vitest';
import { jobObjectPath } from '../../../shared/contracts/job-id.js';
import type { JobEvent } from '../../../shared/events/job-event.js';
import { silentLogger } from '../../../shared/log/create-logger.js';
import { digestObjectPath, provenanceObjectPath } from '../../../shared/provenance/provenance-paths.js';
import { leaseFrom } from '../../../shared/status/job-lease.js';
import { JobStatus, type Artifact } from '../../../shared/status/job-status.js';
import {
  recordBuildOutcome,
  type BuildReport,
  type OutcomeLife,
  type Refusal,
} from '../../../shared/status/record-build-outcome.js';
import { createFakeClock } from '../../fakes/create-fake-clock.js';
import { createMemoryDocumentStore } from '../../fakes/create-memory-document-store.js';
import { onePhaseBuild } from '../../fakes/one-phase-build.js';

const ID = { repository: 'Octo-Org/Widgets', tag: 'v1.0.0' };
const SHA = 'd'.repeat(64);
const ARTIFACTS: Artifact[] = [
  { filename: 'widgets-1.0.0.tar.gz', sha256: SHA, size: 9, kind: 'sdist', uploaded: true },
];
// A build of one phase (made before the two-build split), which published the job by itself.
const RESOURCE = onePhaseBuild(ID, { artifacts: ARTIFACTS });

const published: BuildReport = {
  build: { buildId: 'b-1', status: 'SUCCESS', logUrl: 'https://logs/b-1', phase: 'whole' },
  outcome: { state: 'published', artifacts: ARTIFACTS },
  resource: RESOURCE,
  by: 'settled by reconcile',
};
const failed: BuildReport = {
  build: { buildId: 'b-1', status: 'FAILURE', logUrl: 'https://logs/b-1', phase: 'whole' },
  outcome: { state: 'failed', error: { code: 'BUILD_FAILED', message: 'the build step failed' } },
  resource: onePhaseBuild(ID, { status: 'FAILURE' }),
};
const owned = (): Refusal | undefined => undefined;

async function setup(state?: JobStatus['state']) {
  const store = createMemoryDocumentStore();
  const clock = createFakeClock();
  const at = clock.now().toISOString();
  const announced: JobEvent[] = [];
  const readBuilds: string[] = [];
  const life: OutcomeLife = {
    store,
    events: { publish: async (event) => void announced.push(event) },
    clock: clock.now,
    logger: silentLogger,
    readBuild: async (id) => void readBuilds.push(id),
  };
  if (state) {
    const job: JobStatus = {
      ...{ schemaVersion: 1, ...ID, version: '1.0.0', state, attempt: 1, createdAt: at, updatedAt: at },
      build: { id: 'b-1' },
      lease: leaseFrom('worker-a', clock.now(), 60),
      artifacts: [],
      history: [
        { state: 'queued', at, attempt: 1 },
        ...(state === 'queued' ? [] : [{ state, at, attempt: 1 }]),
      ],
    };
    await store.write(jobObjectPath(ID), JobStatus.parse(job), { ifGenerationMatch: '0' });
  }
  const read = async () => JobStatus.parse((await store.read(jobObjectPath(ID)))?.data);
  return { store, life, read, announced, readBuilds };
}

describe('recording a build\u2019s outcome', () => {
  it('moves the job on as the build left it, announces it, and writes the provenance of what it published', async () => {
    const { store, life, read, announced, readBuilds } = await setup('building');
    const recorded = await recordBuildOutcome(life, ID, published, owned);
    expect(recorded).toMatchObject({ changed: true, refusal: undefined, provenance: { success: true } });
    const job = await read();
    expect(job).toMatchObject({
      state: 'published',
      artifacts: ARTIFACTS,
      build: { id: 'b-1', status: 'SUCCESS', logUrl: 'https://logs/b-1' },
    });
    expect(job.lease).toBeUndefined();
    expect(job.history.at(-1)).toMatchObject({ state: 'published', note: 'settled by reconcile' });
    expect(announced.map((event) => [event.previousState, event.state])).toEqual([['building', 'published']]);
    expect((await store.read(provenanceObjectPath(ID)))?.data).toMatchObject({
      subject: [{ name: 'widgets-1.0.0.tar.gz', digest: { sha256: SHA } }],
    });
    expect((await store.read(digestObjectPath(SHA)))?.data).toMatchObject(ID);
    // One build did both phases: there is no build phase to read.
    expect(readBuilds).toEqual([]);
  });

  it.each([
    ['a failure after publishing', 'published', failed, owned, 'the job is already published', false],
    [
      'a second start',
      'building',
      { ...published, outcome: { state: 'building' } },
      owned,
      'the job is already building',
      false,
    ],
    [
      'a build the judge refuses',
      'building',
      published,
      () => ({ reason: 'not its build', foreign: true }),
      'not its build',
      true,
    ],
    ['a build without a job', undefined, published, owned, 'no job has this build', false],
  ] as Array<
    [string, JobStatus['state'] | undefined, BuildReport, () => Refusal | undefined, string, boolean]
  >)('changes nothing for %s, and says why', async (_case, state, report, judge, reason, foreign) => {
    const refusal = { reason, foreign };
    const { store, life, announced } = await setup(state);
    const before = await store.read(jobObjectPath(ID));
    const recorded = await recordBuildOutcome(life, ID, report, judge);
    expect(recorded).toMatchObject({ changed: false, refusal });
    expect(await store.read(jobObjectPath(ID))).toEqual(before);
    expect(announced).toEqual([]);
    expect(await store.read(provenanceObjectPath(ID))).toBeUndefined();
  });

  it('lets one of two racing outcomes win; the other sees the job already final', async () => {
    const { store, life, read } = await setup('building');
    // Both read the building job before either writes: one compare-and-swap must lose and read again.
    const readStored = store.read.bind(store);
    let arrived: Array<() => void> | undefined = [];
    store.read = async (path) => {
      const stored = await readStored(path);
      const waiting = path === jobObjectPath(ID) ? arrived : undefined;
      if (waiting)
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
          if (waiting.length < 2) return;
          arrived = undefined;
          waiting.forEach((release) => release());
        });
      return stored;
    };
    const outcomes = await Promise.all(
      [published, failed].map((report) => recordBuildOutcome(life, ID, report, owned)),
    );
    expect(outcomes.filter((outcome) => outcome.changed)).toHaveLength(1);
    const job = await read();
    const loser = outcomes.find((outcome) => !outcome.changed);
    expect(loser?.refusal).toEqual({ reason: `the job is already ${job.state}`, foreign: false });
    expect(job.history.map((entry) => entry.state)).toEqual(['queued', 'building', job.state]);
    expect(store.conflicts()).toBeGreaterThan(0);
  });

  it('repairs a statement whose write failed on a second look, though the job no longer changes', async () => {
    const { store, life, read } = await setup('building');
    const write = store.write.bind(store);
    let failProvenance = true;
    store.write = async (path, data, options) => {
      if (failProvenance && path.startsWith('provenance/')) throw new Error('storage unavailable');
      return write(path, data, options);
    };
    await expect(recordBuildOutcome(life, ID, published, owned)).rejects.toThrow(/storage unavailable/);
    expect((await read()).state).toBe('published');
    failProvenance = false;
    const again = await recordBuildOutcome(life, ID, published, owned);
    expect(again).toMatchObject({
      changed: false,
      refusal: { reason: 'the job is already published' },
      provenance: { success: true, data: { written: true } },
    });
    expect(await store.read(provenanceObjectPath(ID))).toBeDefined();
  });
});
