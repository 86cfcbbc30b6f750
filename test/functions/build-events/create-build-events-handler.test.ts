import { describe, expect, it } from 'vitest';
import { createBuildEventsHandler } from '../../../functions/build-events/create-build-events-handler.js';
import { indexObjectPath, jobObjectPath } from '../../../shared/contracts/job-id.js';
import { silentLogger } from '../../../shared/log/create-logger.js';
import { JobStatus } from '../../../shared/status/job-status.js';
import { RepositoryIndex } from '../../../shared/status/repository-index.js';
import { createFakeClock } from '../../fakes/create-fake-clock.js';
import { createMemoryDocumentStore } from '../../fakes/create-memory-document-store.js';
import { pubsubEvent } from '../../fakes/pubsub-event.js';

const JOB = { repository: 'Octo-Org/Widgets', tag: 'v1.0.0' };
const STEPS = ['fetch', 'build', 'verify', 'check', 'upload'];
const SHA = 'a'.repeat(64);
const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

function build(status: string, extra: Record<string, unknown> = {}, { id = 'b-1', attempt = 1 } = {}) {
  return {
    id,
    status,
    logUrl: `https://logs/${id}`,
    substitutions: {
      _PKGRELAY_REPOSITORY: JOB.repository,
      _PKGRELAY_TAG: JOB.tag,
      _PKGRELAY_ATTEMPT: String(attempt),
    },
    steps: STEPS.map((step) => ({ id: step, status: status === 'SUCCESS' ? 'SUCCESS' : undefined })),
    ...extra,
  };
}

function uploaded(uploadedFlags: boolean[]) {
  const outputs = STEPS.map(() => '');
  outputs[4] = base64({
    artifacts: uploadedFlags.map((flag, i) => ({
      filename: i === 0 ? 'widgets-1.0.0.tar.gz' : 'widgets-1.0.0-py3-none-any.whl',
      sha256: SHA,
      size: 10,
      kind: i === 0 ? 'sdist' : 'wheel',
      uploaded: flag,
    })),
  });
  return { results: { buildStepOutputs: outputs } };
}

function failedAt(step: string, output?: unknown) {
  const outputs = STEPS.map(() => '');
  if (output) outputs[STEPS.indexOf(step)] = base64(output);
  return {
    steps: STEPS.map((id) => ({
      id,
      status: id === step ? 'FAILURE' : STEPS.indexOf(id) < STEPS.indexOf(step) ? 'SUCCESS' : 'QUEUED',
    })),
    results: { buildStepOutputs: outputs },
  };
}

async function setup(job: Partial<JobStatus> = {}) {
  const store = createMemoryDocumentStore();
  const clock = createFakeClock();
  const now = clock.now().toISOString();
  const initial: JobStatus = {
    schemaVersion: 1,
    repository: JOB.repository,
    tag: JOB.tag,
    version: '1.0.0',
    state: 'queued',
    attempt: 1,
    createdAt: now,
    updatedAt: now,
    artifacts: [],
    history: [{ state: 'queued', at: now, attempt: 1 }],
    build: { id: 'b-1' },
    ...job,
  };
  await store.write(jobObjectPath(JOB), initial, { ifGenerationMatch: '0' });
  let n = 0;
  const handler = createBuildEventsHandler({
    store,
    logger: silentLogger,
    buildTimeoutSeconds: 600,
    clock: clock.now,
  });
  const deliver = (data: unknown) => {
    clock.advance(1000);
    return handler(pubsubEvent(data, { messageId: `n-${++n}` }));
  };
  const read = async () => JobStatus.parse((await store.read(jobObjectPath(JOB)))?.data);
  return { store, deliver, read };
}

describe('every Cloud Build status is named', () => {
  it.each([
    ['PENDING', 'building', undefined],
    ['QUEUED', 'building', undefined],
    ['WORKING', 'building', undefined],
    ['SUCCESS', 'published', undefined],
    ['FAILURE', 'failed', 'BUILD_FAILED'],
    ['INTERNAL_ERROR', 'failed', 'INTERNAL_ERROR'],
    ['TIMEOUT', 'failed', 'TIMED_OUT'],
    ['CANCELLED', 'failed', 'CANCELLED'],
    ['EXPIRED', 'failed', 'EXPIRED'],
  ])('%s leads to %s %s', async (status, state, code) => {
    const { deliver, read } = await setup();
    const data = build(status, status === 'SUCCESS' ? uploaded([true, true]) : {});
    expect(await deliver(data)).toEqual({ outcome: 'applied', state });
    const job = await read();
    expect(job.state).toBe(state);
    expect(job.build).toMatchObject({ id: 'b-1', status, logUrl: 'https://logs/b-1' });
    if (code) {
      expect(job.error?.code).toBe(code);
      expect(job.error?.message.length).toBeGreaterThan(20);
    }
  });

  it('ignores STATUS_UNKNOWN and notifications of builds that are not pkgrelay\u2019s', async () => {
    const { deliver, store } = await setup();
    const writes = store.writes();
    expect(await deliver(build('STATUS_UNKNOWN'))).toMatchObject({ outcome: 'ignored' });
    expect(await deliver({ id: 'x', status: 'SUCCESS' })).toMatchObject({ outcome: 'ignored' });
    expect(await deliver('not json')).toMatchObject({ outcome: 'ignored' });
    expect(store.writes()).toBe(writes);
  });

  it.each([
    ['fetch', 'SOURCE_NOT_FOUND'],
    ['build', 'BUILD_FAILED'],
    ['verify', 'VERSION_MISMATCH'],
    ['check', 'METADATA_INVALID'],
    ['upload', 'UPLOAD_REJECTED'],
  ])('a failed "%s" step that reports nothing is %s, naming the step', async (step, code) => {
    const { deliver, read } = await setup();
    await deliver(build('FAILURE', failedAt(step)));
    expect((await read()).error).toMatchObject({
      code,
      step,
      message: expect.stringContaining(`step "${step}"`),
    });
  });

  it('carries the failing step, its own code and message, and the end of its log', async () => {
    const { deliver, read } = await setup();
    const error = { code: 'NOT_A_PYTHON_PROJECT', message: 'no pyproject.toml', logTail: 'line 1\nline 2' };
    await deliver(build('FAILURE', failedAt('build', { error })));
    expect((await read()).error).toEqual({
      code: 'NOT_A_PYTHON_PROJECT',
      message: 'step "build": no pyproject.toml',
      step: 'build',
      logTail: 'line 1\nline 2',
    });
  });

  it('an upload whose every file already existed is skipped, not failed', async () => {
    const { deliver, read } = await setup();
    await deliver(build('SUCCESS', uploaded([false, false])));
    const job = await read();
    expect(job.state).toBe('skipped');
    expect(job.reason).toMatch(/already in the registry/);
    expect(job.artifacts.every((artifact) => !artifact.uploaded)).toBe(true);
  });
});

describe('warnings of the check step', () => {
  const warning = {
    code: 'LONG_DESCRIPTION_MISSING',
    message: '\u001b[33mWARNING\u001b[0m  `long_description` missing: add readme = "README.md"',
    file: 'widgets-1.0.0.tar.gz',
  };
  const recorded = { ...warning, message: 'WARNING  `long_description` missing: add readme = "README.md"' };
  const withWarnings = (extra: { results: { buildStepOutputs: string[] } }, warnings: unknown[]) => {
    const outputs = [...extra.results.buildStepOutputs];
    outputs[STEPS.indexOf('check')] = base64({ warnings });
    return { ...extra, results: { buildStepOutputs: outputs } };
  };

  it('are recorded on a published job, cleaned, and counted in the repository index', async () => {
    const { deliver, read, store } = await setup();
    await deliver(build('SUCCESS', withWarnings(uploaded([true, true]), [warning])));
    const job = await read();
    expect(job.state).toBe('published');
    expect(job.warnings).toEqual([recorded]);
    const index = RepositoryIndex.parse((await store.read(indexObjectPath(JOB.repository)))?.data);
    expect(index.jobs.find((entry) => entry.tag === JOB.tag)?.warnings).toBe(1);
  });

  it('are recorded on a skipped job and on a job whose later step failed', async () => {
    {
      const { deliver, read } = await setup();
      await deliver(build('SUCCESS', withWarnings(uploaded([false, false]), [warning])));
      expect(await read()).toMatchObject({ state: 'skipped', warnings: [recorded] });
    }
    const { deliver, read } = await setup();
    await deliver(build('FAILURE', withWarnings(failedAt('upload'), [warning])));
    expect(await read()).toMatchObject({
      state: 'failed',
      error: { code: 'UPLOAD_REJECTED' },
      warnings: [recorded],
    });
  });

  it('leave the document and the index without the field when there are none', async () => {
    const { deliver, read, store } = await setup();
    await deliver(build('SUCCESS', withWarnings(uploaded([true, true]), [])));
    expect(await read()).not.toHaveProperty('warnings');
    const index = RepositoryIndex.parse((await store.read(indexObjectPath(JOB.repository)))?.data);
    expect(index.jobs[0]).not.toHaveProperty('warnings');
  });
});

describe('statuses never move backwards', () => {
  it('ignores WORKING after SUCCESS and SUCCESS twice', async () => {
    const { deliver, read, store } = await setup();
    await deliver(build('WORKING'));
    await deliver(build('SUCCESS', uploaded([true, true])));
    const settled = await read();
    const writes = store.writes();
    expect(await deliver(build('WORKING'))).toMatchObject({
      outcome: 'ignored',
      reason: 'the job is already published',
    });
    expect(await deliver(build('SUCCESS', uploaded([true, true])))).toMatchObject({ outcome: 'ignored' });
    expect(await deliver(build('FAILURE'))).toMatchObject({ outcome: 'ignored' });
    expect(await read()).toEqual(settled);
    expect(store.writes()).toBe(writes);
    expect(settled.history.map((entry) => entry.state)).toEqual(['queued', 'building', 'published']);
  });

  it('replayed out of order, ends published with one history', async () => {
    const { deliver, read } = await setup();
    for (const status of ['SUCCESS', 'WORKING', 'QUEUED', 'SUCCESS', 'WORKING', 'QUEUED']) {
      await deliver(build(status, status === 'SUCCESS' ? uploaded([true, true]) : {}));
    }
    expect((await read()).history.map((entry) => entry.state)).toEqual(['queued', 'published']);
  });

  it('ignores a QUEUED after WORKING (no second building)', async () => {
    const { deliver, read } = await setup();
    await deliver(build('WORKING'));
    expect(await deliver(build('QUEUED'))).toMatchObject({
      outcome: 'ignored',
      reason: 'the job is already building',
    });
    expect((await read()).history).toHaveLength(2);
  });

  it('ignores notifications of an older attempt and of another build', async () => {
    const { deliver, read } = await setup({ attempt: 2, build: { id: 'b-2' } });
    expect(await deliver(build('FAILURE', {}, { id: 'b-1', attempt: 1 }))).toMatchObject({
      outcome: 'ignored',
      reason: 'the notification is for attempt 1, the job is on 2',
    });
    expect(await deliver(build('SUCCESS', {}, { id: 'b-9', attempt: 2 }))).toMatchObject({
      outcome: 'ignored',
      reason: 'the job runs build b-2',
    });
    expect((await read()).state).toBe('queued');
  });

  it('adopts a build of its own attempt when its worker died before recording it', async () => {
    const lease = { holder: 'dead', expiresAt: '2030-01-01T00:00:00.000Z' };
    const { deliver, read } = await setup({ build: undefined, lease } as Partial<JobStatus>);
    expect((await read()).build).toBeUndefined();
    expect(await deliver(build('QUEUED', {}, { id: 'b-7' }))).toEqual({
      outcome: 'applied',
      state: 'building',
    });
    const job = await read();
    expect(job.build?.id).toBe('b-7');
    expect(job.lease).toBeUndefined();
  });
});
