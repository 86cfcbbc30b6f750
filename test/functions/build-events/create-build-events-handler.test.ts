import { fixedRepositories } from '../../../shared/config/repository-provider.js';
import { describe, expect, it } from 'vitest';
import { createBuildEventsHandler } from '../../../functions/build-events/create-build-events-handler.js';
import { jobBuildTag } from '../../../shared/build/job-build-tag.js';
import { indexObjectPath, jobObjectPath } from '../../../shared/contracts/job-id.js';
import { createLogger } from '../../../shared/log/create-logger.js';
import { provenanceObjectPath } from '../../../shared/provenance/provenance-paths.js';
import { JobStatus } from '../../../shared/status/job-status.js';
import { RepositoryIndex } from '../../../shared/status/repository-index.js';
import { createFakeClock } from '../../fakes/create-fake-clock.js';
import { createMemoryDocumentStore } from '../../fakes/create-memory-document-store.js';
import { pubsubEvent } from '../../fakes/pubsub-event.js';
import { createFakeBuildService } from '../../fakes/create-fake-build-service.js';
import { RepositoryConfig } from '../../../shared/config/repository-config.js';

const JOB = { repository: 'Octo-Org/Widgets', tag: 'v1.0.0' };
const STEPS = ['fetch', 'build', 'verify', 'check', 'upload'];
const SHA = 'a'.repeat(64);
const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
const BUILDS_ACCOUNT = 'projects/p/serviceAccounts/pkgrelay-builds@p.iam.gserviceaccount.com';

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
    tags: ['pkgrelay', jobBuildTag(JOB)],
    serviceAccount: BUILDS_ACCOUNT,
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

async function setup(
  job: Partial<JobStatus> = {},
  {
    buildServiceAccount,
    publishServiceAccount,
  }: { buildServiceAccount?: string; publishServiceAccount?: string } = {},
) {
  const store = createMemoryDocumentStore();
  const builds = createFakeBuildService();
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
  const logs: Array<Record<string, unknown>> = [];
  const handler = createBuildEventsHandler({
    store,
    logger: createLogger({ write: (line) => logs.push(JSON.parse(line) as Record<string, unknown>) }),
    buildTimeoutSeconds: 600,
    builds,
    projectId: 'p',
    repositories: fixedRepositories([RepositoryConfig.parse({ repository: JOB.repository })]),
    buildServiceAccount,
    publishServiceAccount,
    clock: clock.now,
  });
  const deliver = (data: unknown) => {
    clock.advance(1000);
    return handler(pubsubEvent(data, { messageId: `n-${++n}` }));
  };
  const read = async () => JobStatus.parse((await store.read(jobObjectPath(JOB)))?.data);
  return { store, deliver, read, logs, builds };
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
      reason: 'the job runs build b-2, not b-9',
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

describe('only builds pkgrelay created for the job count', () => {
  const lease = { holder: 'worker-1', expiresAt: '2030-01-01T00:00:00.000Z' };
  const unrecorded = { build: undefined, lease } as Partial<JobStatus>;

  it.each([
    ['another build than the recorded one', {}, {}, /the job runs build b-1, not b-666/],
    [
      'an unrecorded build without the job tag',
      unrecorded,
      { tags: ['pkgrelay'] },
      /does not carry the job's build tag/,
    ],
    [
      'an unrecorded build of another service account',
      unrecorded,
      { serviceAccount: 'projects/p/serviceAccounts/mallory@p.iam.gserviceaccount.com' },
      /runs as projects\/p\/serviceAccounts\/mallory@.*not as pkgrelay's builder account/,
    ],
    [
      'an unrecorded build of the default service account',
      unrecorded,
      { serviceAccount: undefined },
      /default service account/,
    ],
  ])('ignores %s, with a WARNING naming it', async (_name, job, extra, reason) => {
    const { deliver, read, logs } = await setup(job, { buildServiceAccount: BUILDS_ACCOUNT });
    const before = await read();
    const answer = await deliver(build('SUCCESS', { ...uploaded([true, true]), ...extra }, { id: 'b-666' }));
    expect(answer).toMatchObject({ outcome: 'ignored', reason: expect.stringMatching(reason) });
    expect(await read()).toEqual(before);
    expect(logs).toContainEqual(
      expect.objectContaining({
        severity: 'WARNING',
        buildId: 'b-666',
        reason: expect.stringMatching(reason),
      }),
    );
  });

  it('adopts the unrecorded build the worker is about to record: its tag and pkgrelay\u2019s account', async () => {
    const { deliver, read } = await setup(unrecorded, {
      buildServiceAccount: 'pkgrelay-builds@p.iam.gserviceaccount.com',
    });
    expect(await deliver(build('WORKING', {}, { id: 'b-2' }))).toEqual({
      outcome: 'applied',
      state: 'building',
    });
    expect((await read()).build?.id).toBe('b-2');
  });
});

describe('a status document that fails its schema', () => {
  it('is left as it is and logged, never replaced by what a build says', async () => {
    const { store, deliver, logs } = await setup();
    const tampered = {
      ...JSON.parse(JSON.stringify((await store.read(jobObjectPath(JOB)))?.data)),
      state: 'constructor',
    };
    const { generation } = (await store.read(jobObjectPath(JOB)))!;
    await store.write(jobObjectPath(JOB), tampered, { ifGenerationMatch: generation });
    const answer = await deliver(build('SUCCESS', uploaded([true, true])));
    expect(answer).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringMatching(/is unreadable \(fails its schema: state/),
    });
    expect((await store.read(jobObjectPath(JOB)))?.data).toEqual(tampered);
    expect(await store.read(indexObjectPath(JOB.repository))).toBeUndefined();
    expect(logs).toContainEqual(
      expect.objectContaining({
        severity: 'ERROR',
        path: jobObjectPath(JOB),
        problem: expect.stringMatching(/^fails its schema/),
      }),
    );
  });

  it('reads build outputs with the job schema: a forged digest publishes no artifacts', async () => {
    const { deliver, read } = await setup();
    const outputs = STEPS.map(() => '');
    outputs[4] = base64({
      artifacts: [
        { filename: 'w-1.0.0.tar.gz', sha256: 'not-a-digest', size: 1, kind: 'sdist', uploaded: true },
      ],
    });
    await deliver(build('SUCCESS', { results: { buildStepOutputs: outputs } }));
    expect((await read()).artifacts).toEqual([]);
  });
});

describe('two builds: the build phase hands its archive to a publish phase as the publisher', () => {
  const BUILD_STEPS = ['fetch', 'build', 'pack'];
  const PUBLISH_STEPS = ['receive', 'verify', 'check', 'upload'];
  const PUBLISHER = 'pkgrelay-publisher@p.iam.gserviceaccount.com';
  const STAGING = 'gs://p-staging/staging/0b7e/';

  function phase(
    which: 'build' | 'publish',
    status: string,
    {
      id = which === 'build' ? 'b-1' : 'p-1',
      files = ['widgets-1.0.0.tar.gz', 'widgets-1.0.0-py3-none-any.whl'],
    } = {},
  ) {
    const steps = which === 'build' ? BUILD_STEPS : PUBLISH_STEPS;
    const outputs = steps.map(() => '');
    if (which === 'build') outputs[2] = base64({ files });
    else outputs[3] = uploaded([true, true]).results.buildStepOutputs[4] ?? '';
    return build(status, {
      id,
      logUrl: `https://logs/${id}`,
      substitutions: {
        ...build(status).substitutions,
        _PKGRELAY_PHASE: which,
        _PKGRELAY_VERSION: '1.0.0',
        _PKGRELAY_UPSTREAM_URL: 'https://github.com/Octo-Org/Widgets.git',
      },
      steps: steps.map((step) => ({ id: step, status: status === 'SUCCESS' ? 'SUCCESS' : undefined })),
      results: { buildStepOutputs: outputs },
      serviceAccount: `projects/p/serviceAccounts/${which === 'build' ? 'pkgrelay-builds@p.iam.gserviceaccount.com' : PUBLISHER}`,
      ...(which === 'build'
        ? { artifacts: { objects: { location: STAGING, paths: ['pkgrelay-dist.tar.gz'] } } }
        : {}),
    });
  }

  it('starts the publish phase on the build phase’s success, and publishes on its own', async () => {
    const { deliver, read, builds } = await setup({ state: 'building' });
    expect(await deliver(phase('build', 'SUCCESS'))).toEqual({ outcome: 'applied', state: 'building' });
    const started = builds.builds[0];
    expect(started?.plan).toMatchObject({
      source: { storageSource: { bucket: 'p-staging', object: 'staging/0b7e/pkgrelay-dist.tar.gz' } },
      substitutions: { _PKGRELAY_PHASE: 'publish', _PKGRELAY_ALLOWED_NAMES: 'widgets' },
    });
    // The upstream URL (and so a token's use) stays with the build phase.
    expect(started?.plan?.substitutions['_PKGRELAY_UPSTREAM_URL']).toBeUndefined();
    expect(started?.plan?.steps.map((step) => step.id)).toEqual(PUBLISH_STEPS);
    let job = await read();
    expect(job).toMatchObject({
      schemaVersion: 2,
      state: 'building',
      build: { id: 'b-1', status: 'SUCCESS' },
      publishBuild: { id: 'build-1' },
    });
    // A redelivery of the build phase's success starts nothing more.
    await deliver(phase('build', 'SUCCESS'));
    expect(builds.builds).toHaveLength(1);
    expect(await deliver(phase('publish', 'SUCCESS', { id: 'build-1' }))).toEqual({
      outcome: 'applied',
      state: 'published',
    });
    job = await read();
    expect(job.state).toBe('published');
    expect(job.build?.id).toBe('b-1');
    expect(job.publishBuild).toMatchObject({ id: 'build-1', status: 'SUCCESS' });
    expect(job.artifacts.map((artifact) => artifact.filename)).toContain('widgets-1.0.0.tar.gz');
  });

  it('reads the build phase for the provenance once: a redelivered publish success asks Cloud Build nothing', async () => {
    const { deliver, store, builds } = await setup({ state: 'building' });
    await deliver(phase('build', 'SUCCESS'));
    // The fake holds only the builds it started: the build phase is answered as Cloud Build would.
    const get = builds.get.bind(builds);
    const asked: string[] = [];
    builds.get = async (id) => (asked.push(id), id === 'b-1' ? phase('build', 'SUCCESS') : get(id));
    const published = phase('publish', 'SUCCESS', { id: 'build-1' });
    expect(await deliver(published)).toEqual({ outcome: 'applied', state: 'published' });
    expect(asked).toEqual(['b-1']);
    expect((await store.read(provenanceObjectPath(JOB)))?.data).toMatchObject({
      predicate: { runDetails: { metadata: { invocationId: 'build-1' } } },
    });
    expect(await deliver(published)).toMatchObject({ outcome: 'ignored' });
    expect(asked).toEqual(['b-1']);
  });

  it('records the publish phase an instance started and died before recording, starting no second', async () => {
    const { deliver, read, builds } = await setup({ state: 'building' });
    // The instance dies once Cloud Build created the publish phase, before the job records it.
    builds.afterCreate = () => {
      throw new Error('instance killed');
    };
    await expect(deliver(phase('build', 'SUCCESS'))).rejects.toThrow();
    expect(builds.builds).toHaveLength(1);
    expect((await read()).publishBuild).toBeUndefined();
    builds.afterCreate = () => {};
    // Pub/Sub redelivers the unacknowledged success: the running publish phase is found and recorded.
    expect(await deliver(phase('build', 'SUCCESS'))).toEqual({ outcome: 'applied', state: 'building' });
    expect(builds.builds.map((started) => started.id)).toEqual(['build-1']);
    expect(await read()).toMatchObject({ publishBuild: { id: 'build-1', logUrl: builds.builds[0]?.logUrl } });
  });

  it('records which files a refused upload left in the registry on the failed job', async () => {
    const { deliver, read } = await setup({ state: 'building', publishBuild: { id: 'p-1' } });
    const refused: Record<string, unknown> = phase('publish', 'FAILURE');
    const artifacts = [
      { filename: 'widgets-1.0.0-py3-none-any.whl', sha256: SHA, size: 10, kind: 'wheel', uploaded: true },
      {
        filename: 'widgets-1.0.0.tar.gz',
        sha256: SHA,
        size: 10,
        kind: 'sdist',
        uploaded: false,
        builtSha256: 'b'.repeat(64),
      },
    ];
    const error = {
      code: 'UPLOAD_REJECTED',
      message: 'the registry holds widgets-1.0.0.tar.gz with another sha256',
    };
    refused['steps'] = PUBLISH_STEPS.map((id) => ({ id, status: id === 'upload' ? 'FAILURE' : 'SUCCESS' }));
    refused['results'] = { buildStepOutputs: ['', '', '', base64({ error, artifacts })] };
    expect(await deliver(refused)).toEqual({ outcome: 'applied', state: 'failed' });
    const job = await read();
    expect(job.error).toMatchObject({ code: 'UPLOAD_REJECTED', step: 'upload' });
    expect(job.artifacts).toEqual(artifacts);
  });

  it('ignores an unrecorded publish build that does not run as the publisher', async () => {
    const { deliver, read } = await setup(
      { state: 'building' },
      { publishServiceAccount: 'someone-else@p.iam.gserviceaccount.com' },
    );
    const answer = await deliver(phase('publish', 'SUCCESS', { id: 'p-forged' }));
    expect(answer).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringMatching(/not as pkgrelay's publisher/),
    });
    expect((await read()).state).toBe('building');
  });

  it('never takes a build phase’s success as published', async () => {
    const { deliver, read } = await setup({ state: 'building' });
    // Even one whose upload-shaped output claims artifacts (its steps could write anything).
    const forged: Record<string, unknown> = phase('build', 'SUCCESS');
    forged['results'] = {
      buildStepOutputs: [
        '',
        '',
        base64({ files: ['widgets-1.0.0.tar.gz'] }),
        '',
        uploaded([true, true]).results.buildStepOutputs[4] ?? '',
      ],
    };
    await deliver(forged);
    const job = await read();
    expect(job.state).toBe('building');
    expect(job.artifacts).toEqual([]);
  });

  it('refuses a name another repository published first: NAME_NOT_ALLOWED, no publish phase', async () => {
    const { deliver, read, builds, store } = await setup({ state: 'building' });
    await store.write(
      'names/requests.json',
      {
        schemaVersion: 1,
        name: 'requests',
        repository: 'psf/requests',
        claimedAt: '2024-01-01T00:00:00.000Z',
      },
      { ifGenerationMatch: '0' },
    );
    const answer = await deliver(phase('build', 'SUCCESS', { files: ['requests-9.9.9.tar.gz'] }));
    expect(answer).toEqual({ outcome: 'applied', state: 'failed' });
    expect(builds.builds).toHaveLength(0);
    const job = await read();
    expect(job.state).toBe('failed');
    expect(job.error).toMatchObject({ code: 'NAME_NOT_ALLOWED' });
    expect(job.error?.message).toMatch(/"requests", which belongs to psf\/requests/);
  });

  it('claims the names a repository publishes first, create-only', async () => {
    const { deliver, store } = await setup({ state: 'building' });
    await deliver(phase('build', 'SUCCESS'));
    expect((await store.read('names/widgets.json'))?.data).toMatchObject({ repository: JOB.repository });
  });
});
