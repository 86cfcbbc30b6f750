import { describe, expect, it } from 'vitest';
import { createReconcileHandler } from '../../../functions/reconcile/create-reconcile-handler.js';
import type { SettledJob } from '../../../functions/reconcile/reconcile-report.js';
import type { RepositoryConfig } from '../../../shared/config/repository-config.js';
import { fixedRepositories } from '../../../shared/config/repository-provider.js';
import { indexObjectPath, jobObjectPath, pollStateObjectPath } from '../../../shared/contracts/job-id.js';
import { provenanceObjectPath } from '../../../shared/provenance/provenance-paths.js';
import { createLogger } from '../../../shared/log/create-logger.js';
import type { JobStatus } from '../../../shared/status/job-status.js';
import type { PollState } from '../../../shared/status/poll-state.js';
import type { DocumentStore } from '../../../shared/ports/document-store.js';
import { updateJob } from '../../../shared/status/update-job.js';
import type { UpstreamTokens } from '../../../shared/ports/upstream-tokens.js';
import type { UpstreamTags } from '../../../shared/upstream/upstream-tags.js';
import { jobBuildTag } from '../../../shared/build/job-build-tag.js';
import { createFakeBuildService } from '../../fakes/create-fake-build-service.js';
import { createFakeClock } from '../../fakes/create-fake-clock.js';
import { createMemoryDocumentStore } from '../../fakes/create-memory-document-store.js';
import { FakeReleaseQueue } from '../../functions/webhook/fake-release-queue.js';

const REPO = 'Octo-Org/Widgets';
const SHA = 'b'.repeat(64);
const repo = (extra: Partial<RepositoryConfig> = {}): RepositoryConfig => ({
  repository: REPO,
  prereleases: false,
  subdirectory: '',
  versionPolicy: 'must-match',
  pythonVersion: '3.12',
  private: false,
  ...extra,
});

function job(tag: string, state: JobStatus['state'], at: string, build?: string): JobStatus {
  return {
    schemaVersion: 1,
    repository: REPO,
    tag,
    version: tag.replace(/^v/, ''),
    state,
    attempt: 1,
    createdAt: at,
    updatedAt: at,
    artifacts: [],
    history: [{ state: 'queued', at, attempt: 1 }],
    ...(build ? { build: { id: build } } : {}),
  };
}

// What the report says of v1.0.0's first attempt, settled from a successful build it was found building on.
function settledEntry(fields: Pick<SettledJob, 'buildId' | 'to'> & Partial<SettledJob>): SettledJob {
  return { repository: REPO, tag: 'v1.0.0', attempt: 1, buildStatus: 'SUCCESS', from: 'building', ...fields };
}

function restBuild(id: string, status: string | number, tag: string, outputs?: unknown) {
  return {
    id,
    status,
    logUrl: `https://logs/${id}`,
    substitutions: { _PKGRELAY_REPOSITORY: REPO, _PKGRELAY_TAG: tag, _PKGRELAY_ATTEMPT: '1' },
    steps: ['fetch', 'build', 'verify', 'check', 'upload'].map((step) => ({
      id: step,
      status: status === 'FAILURE' && step === 'build' ? 'FAILURE' : undefined,
    })),
    results: {
      buildStepOutputs: ['', '', '', '', outputs ? Buffer.from(JSON.stringify(outputs)) : ''],
    },
  };
}

async function setup({
  tags = ['v1.0.0', 'v1.1.0', 'v2.0.0rc1', 'docs'],
  jobs = [] as JobStatus[],
  builds = {} as Record<string, unknown>,
  repositories = [repo()],
  upstream = undefined as UpstreamTags | undefined,
  tokens = undefined as UpstreamTokens | undefined,
  concurrency = 8,
} = {}) {
  const store = createMemoryDocumentStore();
  const clock = createFakeClock('2024-05-01T12:00:00.000Z');
  for (const initial of jobs) await updateJob(store, initial, () => ({ write: initial }), clock.now);
  const queue = new FakeReleaseQueue();
  // Where reconcile starts the publish phase of a job whose build phase succeeded unheard.
  const cloudBuild = createFakeBuildService();
  const asked: string[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const handle = createReconcileHandler({
    repositories: fixedRepositories(repositories),
    store,
    queue,
    upstream: upstream ?? { list: async () => tags },
    ...(tokens ? { tokens } : {}),
    concurrency,
    builds: {
      get: async (id) => {
        asked.push(id);
        return builds[id] ?? (await cloudBuild.get(id));
      },
      start: (plan) => cloudBuild.start(plan),
      listByTag: (tag) => cloudBuild.listByTag(tag),
    },
    projectId: 'p',
    logger: createLogger({ write: (line) => logs.push(JSON.parse(line) as Record<string, unknown>) }),
    buildTimeoutSeconds: 1200,
    clock: clock.now,
  });
  const read = async (tag: string) =>
    (await store.read(jobObjectPath({ repository: REPO, tag })))?.data as JobStatus | undefined;
  return { store, queue, handle, read, asked, clock, logs, cloudBuild };
}

describe('reconcile: tags without a job', () => {
  it('enqueues the missing tags of every package of a repository, naming each package', async () => {
    const { handle, queue } = await setup({
      tags: ['client-v0.3.0', 'api-v1.2.0', 'docs-v1', 'v1.0.0'],
      jobs: [job('api-v1.2.0', 'published', '2024-05-01T10:00:00.000Z')],
      repositories: [
        repo({
          packages: [
            { name: 'api', subdirectory: 'api', tagPrefix: 'api-v' },
            { name: 'client', subdirectory: 'client', tagPrefix: 'client-v' },
          ],
        }),
      ],
    });
    const report = await handle();
    expect(report.errors).toEqual([]);
    expect(report.enqueued).toEqual([
      expect.objectContaining({ tag: 'client-v0.3.0', version: '0.3.0', package: 'client' }),
    ]);
    expect(queue.published.map((message) => message.request.tag)).toEqual(['client-v0.3.0']);
  });

  it('records who started the run in the requests it enqueues', async () => {
    const { handle, queue } = await setup({ tags: ['v1.0.0'], jobs: [] });
    await handle({ requestedBy: 'Cloud Scheduler' });
    expect(queue.published.map((message) => message.request.source)).toEqual([
      { kind: 'reconcile', actor: 'Cloud Scheduler' },
    ]);
  });

  it('enqueues every accepted tag that has no job, oldest first, and nothing else', async () => {
    const { handle, queue } = await setup({
      tags: ['v1.1.0', 'v1.0.0', 'v2.0.0rc1', 'docs', 'v0.9.0'],
      jobs: [job('v0.9.0', 'published', '2024-05-01T10:00:00.000Z')],
    });
    const report = await handle();
    expect(report.errors).toEqual([]);
    expect(report.enqueued.map((entry) => entry.tag)).toEqual(['v1.0.0', 'v1.1.0']);
    expect(queue.published.map((message) => message.request)).toEqual([
      {
        repository: REPO,
        tag: 'v1.0.0',
        source: { kind: 'reconcile' },
        requestedAt: '2024-05-01T12:00:00.000Z',
      },
      {
        repository: REPO,
        tag: 'v1.1.0',
        source: { kind: 'reconcile' },
        requestedAt: '2024-05-01T12:00:00.000Z',
      },
    ]);
  });

  it('never enqueues a tag whose job document exists even when the index lags', async () => {
    const { handle, queue, store } = await setup({ tags: ['v1.0.0'] });
    await store.write(
      jobObjectPath({ repository: REPO, tag: 'v1.0.0' }),
      job('v1.0.0', 'queued', '2024-05-01T11:59:00.000Z'),
      {
        ifGenerationMatch: '0',
      },
    );
    expect((await handle()).enqueued).toEqual([]);
    expect(queue.published).toEqual([]);
  });

  it('honours the tag prefix and prereleases of the configuration', async () => {
    const { handle } = await setup({
      tags: ['widgets-1.0.0', 'v1.0.0', 'widgets-2.0.0rc1'],
      repositories: [repo({ tagPrefix: 'widgets-', prereleases: true })],
    });
    expect((await handle()).enqueued.map((entry) => entry.tag)).toEqual([
      'widgets-1.0.0',
      'widgets-2.0.0rc1',
    ]);
  });

  it('reports an upstream that cannot be listed and carries on with the next repository', async () => {
    const other = repo({ repository: 'octo-org/other' });
    const { handle } = await setup({
      repositories: [repo(), other],
      upstream: {
        list: async (name) => {
          if (name === REPO) throw new Error('git ls-remote failed: repository not found');
          return ['v3.0.0'];
        },
      },
    });
    const report = await handle();
    expect(report.errors).toEqual([
      { repository: REPO, stage: 'upstream', message: 'git ls-remote failed: repository not found' },
    ]);
    expect(report.enqueued).toMatchObject([{ repository: 'octo-org/other', tag: 'v3.0.0' }]);
  });

  it('records a publish that failed as an error of that tag', async () => {
    const { handle, queue } = await setup({ tags: ['v1.0.0'] });
    queue.failuresLeft = 1;
    expect((await handle()).errors).toMatchObject([{ tag: 'v1.0.0', stage: 'enqueue' }]);
  });

  it('lists only the repositories asked for, due or not', async () => {
    const listed: string[] = [];
    const { handle } = await setup({
      repositories: [repo(), repo({ repository: 'octo-org/other' })],
      upstream: { list: async (name) => (listed.push(name), ['v1.0.0']) },
    });
    await handle({ repositories: ['OCTO-ORG/OTHER'] });
    await handle({ repositories: ['OCTO-ORG/OTHER'] });
    expect(listed).toEqual(['octo-org/other', 'octo-org/other']);
  });
});

describe('reconcile: jobs whose build notification was lost', () => {
  const old = '2024-05-01T10:00:00.000Z';
  const recent = '2024-05-01T11:59:00.000Z';

  it('publishes a job in flight past the threshold from its successful build, with the artifacts', async () => {
    const artifacts = [
      { filename: 'widgets-1.0.0.tar.gz', sha256: SHA, size: 10, kind: 'sdist', uploaded: true },
      { filename: 'widgets-1.0.0-py3-none-any.whl', sha256: SHA, size: 11, kind: 'wheel', uploaded: true },
    ];
    const { handle, read, store } = await setup({
      tags: [],
      jobs: [job('v1.0.0', 'building', old, 'b-1')],
      // SUCCESS as the enum number and step outputs as Buffers: what a client may hand back.
      builds: { 'b-1': restBuild('b-1', 3, 'v1.0.0', { artifacts }) },
    });
    const report = await handle();
    expect(report.settled).toEqual([settledEntry({ buildId: 'b-1', to: 'published' })]);
    const settled = await read('v1.0.0');
    expect(settled?.state).toBe('published');
    expect(settled?.artifacts).toEqual(artifacts);
    expect(settled?.build).toEqual({ id: 'b-1', status: 'SUCCESS', logUrl: 'https://logs/b-1' });
    expect(settled?.history.at(-1)?.note).toBe('settled by reconcile');
    // Its provenance, as build-events would have written it.
    const statement = (await store.read(provenanceObjectPath({ repository: REPO, tag: 'v1.0.0' })))?.data;
    expect(statement).toMatchObject({
      subject: artifacts.map(({ filename, sha256 }) => ({ name: filename, digest: { sha256 } })),
      predicate: { runDetails: { metadata: { invocationId: 'b-1' } } },
    });
  });

  it('carries the check step\u2019s warnings, cleaned, into the job it settles', async () => {
    const build = restBuild('b-1', 'SUCCESS', 'v1.0.0');
    const warning = { code: 'LONG_DESCRIPTION_INVALID', message: '\u001b[31mline 3: bad markup\u001b[0m' };
    build.results.buildStepOutputs[3] = Buffer.from(JSON.stringify({ warnings: [warning] }));
    const { handle, read } = await setup({
      tags: [],
      jobs: [job('v1.0.0', 'building', old, 'b-1')],
      builds: { 'b-1': build },
    });
    await handle();
    expect(await read('v1.0.0')).toMatchObject({
      state: 'published',
      warnings: [{ code: 'LONG_DESCRIPTION_INVALID', message: 'line 3: bad markup' }],
    });
  });

  it('fails a queued job with a build id whose build failed, naming the step', async () => {
    const { handle, read } = await setup({
      tags: [],
      jobs: [job('v1.0.0', 'queued', old, 'b-2')],
      builds: { 'b-2': restBuild('b-2', 'FAILURE', 'v1.0.0') },
    });
    expect((await handle()).settled).toMatchObject([{ from: 'queued', to: 'failed' }]);
    expect((await read('v1.0.0'))?.error).toMatchObject({ code: 'BUILD_FAILED', step: 'build' });
  });

  it('moves a queued job whose build runs to building, and leaves a building one alone', async () => {
    const { handle, read } = await setup({
      tags: [],
      jobs: [job('v1.0.0', 'queued', old, 'b-3'), job('v1.1.0', 'building', old, 'b-4')],
      builds: { 'b-3': restBuild('b-3', 'WORKING', 'v1.0.0'), 'b-4': restBuild('b-4', 'WORKING', 'v1.1.0') },
    });
    expect((await handle()).settled).toMatchObject([{ tag: 'v1.0.0', from: 'queued', to: 'building' }]);
    expect((await read('v1.1.0'))?.history).toHaveLength(1);
  });

  it('fails a job whose build Cloud Build no longer knows', async () => {
    const { handle, read } = await setup({ tags: [], jobs: [job('v1.0.0', 'building', old, 'gone')] });
    expect((await handle()).settled).toMatchObject([{ to: 'failed', buildStatus: 'NOT_FOUND' }]);
    expect((await read('v1.0.0'))?.error?.code).toBe('INTERNAL_ERROR');
  });

  it('looks only at jobs in flight past the threshold, unless a run asks for less', async () => {
    const { handle, asked } = await setup({
      tags: [],
      jobs: [
        job('v1.0.0', 'building', recent, 'b-5'),
        job('v1.1.0', 'queued', old),
        job('v0.9.0', 'published', old, 'b-6'),
      ],
      builds: { 'b-5': restBuild('b-5', 'WORKING', 'v1.0.0') },
    });
    await handle();
    expect(asked).toEqual([]);
    await handle({ stuckAfterSeconds: 0 });
    expect(asked).toEqual(['b-5']);
  });

  it('never moves a job backwards when it became final meanwhile', async () => {
    const { handle, read, store } = await setup({
      tags: [],
      jobs: [job('v1.0.0', 'building', old, 'b-7')],
      builds: { 'b-7': restBuild('b-7', 'FAILURE', 'v1.0.0') },
    });
    // build-events wins the race between reconcile's index read and its write.
    const original = store.read.bind(store);
    let reads = 0;
    store.read = async (path) => {
      if (path.startsWith('jobs/') && reads++ === 0) {
        const current = (await original(path))!;
        await store.write(
          path,
          { ...(current.data as JobStatus), state: 'published' },
          { ifGenerationMatch: current.generation },
        );
      }
      return original(path);
    };
    expect((await handle()).settled).toEqual([]);
    expect((await read('v1.0.0'))?.state).toBe('published');
  });

  it('starts the publish phase of a job whose build phase succeeded unheard, once, then settles from it', async () => {
    const buildPhase = {
      ...restBuild('b-1', 'SUCCESS', 'v1.0.0'),
      substitutions: {
        ...restBuild('b-1', 'SUCCESS', 'v1.0.0').substitutions,
        _PKGRELAY_PHASE: 'build',
        _PKGRELAY_VERSION: '1.0.0',
      },
      tags: ['pkgrelay', jobBuildTag({ repository: REPO, tag: 'v1.0.0' })],
      steps: ['fetch', 'build', 'pack'].map((id) => ({ id, status: 'SUCCESS' })),
      results: {
        buildStepOutputs: ['', '', Buffer.from(JSON.stringify({ files: ['widgets-1.0.0.tar.gz'] }))],
      },
      artifacts: { objects: { location: 'gs://p-staging/staging/0b7e/' } },
    };
    const { handle, read, cloudBuild, store } = await setup({
      tags: [],
      jobs: [job('v1.0.0', 'building', old, 'b-1')],
      builds: { 'b-1': buildPhase },
    });
    expect((await handle()).settled).toEqual([
      settledEntry({ buildId: 'b-1', to: 'building', publishBuildId: 'build-1' }),
    ]);
    const publish = cloudBuild.builds[0];
    expect(publish?.substitutions).toMatchObject({
      _PKGRELAY_PHASE: 'publish',
      _PKGRELAY_ALLOWED_NAMES: 'widgets',
    });
    expect(await read('v1.0.0')).toMatchObject({ state: 'building', publishBuild: { id: 'build-1' } });

    // The publish phase still runs: nothing to settle, and no second one.
    expect((await handle({ stuckAfterSeconds: 0 })).settled).toEqual([]);
    expect(cloudBuild.builds).toHaveLength(1);

    // It ends, and its notification is lost too.
    const artifacts = [
      { filename: 'widgets-1.0.0.tar.gz', sha256: SHA, size: 10, kind: 'sdist', uploaded: true },
    ];
    publish!.status = 'SUCCESS';
    publish!.results = {
      buildStepOutputs: ['', '', '', Buffer.from(JSON.stringify({ artifacts })).toString('base64')],
    };
    expect((await handle({ stuckAfterSeconds: 0 })).settled).toEqual([
      settledEntry({ buildId: 'build-1', phase: 'publish', to: 'published' }),
    ]);
    const settled = await read('v1.0.0');
    expect(settled).toMatchObject({
      state: 'published',
      artifacts,
      build: { id: 'b-1', status: 'SUCCESS' },
      publishBuild: { id: 'build-1', status: 'SUCCESS' },
    });
    expect(settled?.history.map((entry) => entry.note ?? entry.state).slice(-1)).toEqual([
      'settled by reconcile',
    ]);
    const statement = (await store.read(provenanceObjectPath({ repository: REPO, tag: 'v1.0.0' })))?.data;
    expect(statement).toMatchObject({ predicate: { runDetails: { metadata: { invocationId: 'build-1' } } } });
    expect((await handle({ stuckAfterSeconds: 0 })).settled).toEqual([]);
  });

  it('fails a job from its recorded publish phase, and leaves one whose publish build names another job', async () => {
    const publishing = (tag: string, publishBuild: string): JobStatus => ({
      ...job(tag, 'building', old, `b-${tag}`),
      schemaVersion: 2,
      publishBuild: { id: publishBuild },
    });
    const publishBuild = (id: string, status: string, tag: string) => ({
      ...restBuild(id, status, tag),
      substitutions: { ...restBuild(id, status, tag).substitutions, _PKGRELAY_PHASE: 'publish' },
      steps: ['receive', 'verify', 'check', 'upload'].map((step) => ({
        id: step,
        status: status === 'FAILURE' && step === 'check' ? 'FAILURE' : 'SUCCESS',
      })),
    });
    const { handle, read, cloudBuild } = await setup({
      tags: [],
      jobs: [publishing('v1.0.0', 'p-1'), publishing('v1.1.0', 'p-2')],
      builds: {
        'b-v1.0.0': restBuild('b-v1.0.0', 'SUCCESS', 'v1.0.0'),
        'p-1': publishBuild('p-1', 'FAILURE', 'v1.0.0'),
        'p-2': publishBuild('p-2', 'SUCCESS', 'v9.9.9'),
      },
    });
    expect((await handle()).settled).toMatchObject([
      { tag: 'v1.0.0', buildId: 'p-1', phase: 'publish', buildStatus: 'FAILURE', to: 'failed' },
    ]);
    expect((await read('v1.0.0'))?.error).toMatchObject({ code: 'METADATA_INVALID', step: 'check' });
    expect((await read('v1.1.0'))?.state).toBe('building');
    expect(cloudBuild.builds).toEqual([]);
  });

  it('reports a build it cannot read as an error of that job', async () => {
    const { handle } = await setup({
      tags: [],
      jobs: [job('v1.0.0', 'building', old, 'b-8')],
      builds: { 'b-8': { nonsense: true } },
    });
    expect((await handle()).errors).toMatchObject([{ tag: 'v1.0.0', stage: 'settle' }]);
  });

  it('leaves a job whose recorded build names another job or attempt, with a WARNING', async () => {
    const forged = { ...restBuild('b-9', 'SUCCESS', 'v9.9.9'), substitutions: {} };
    const { handle, read, logs } = await setup({
      tags: [],
      jobs: [job('v1.0.0', 'building', old, 'b-9'), job('v1.1.0', 'building', old, 'b-10')],
      builds: { 'b-9': forged, 'b-10': restBuild('b-10', 'SUCCESS', 'v1.0.0') },
    });
    expect((await handle()).settled).toEqual([]);
    expect((await read('v1.0.0'))?.state).toBe('building');
    expect((await read('v1.1.0'))?.state).toBe('building');
    expect(logs.filter((line) => line['severity'] === 'WARNING').map((line) => line['buildId'])).toEqual(
      expect.arrayContaining(['b-9', 'b-10']),
    );
  });
});

describe('reconcile: status documents that fail their schema', () => {
  const old = '2024-05-01T10:00:00.000Z';

  it('reports an unreadable index and leaves it as it is', async () => {
    const { handle, store, queue } = await setup({ tags: ['v1.0.0'] });
    await store.write(indexObjectPath(REPO), { jobs: 'constructor' }, { ifGenerationMatch: '0' });
    const report = await handle();
    expect(report.errors).toEqual([
      expect.objectContaining({
        stage: 'index',
        message: expect.stringMatching(/index\.json is unreadable/),
      }),
    ]);
    expect(queue.published).toEqual([]);
    expect((await store.read(indexObjectPath(REPO)))?.data).toEqual({ jobs: 'constructor' });
  });

  it('reports a stuck job whose document became unreadable, and never rewrites it', async () => {
    const { handle, store } = await setup({
      tags: [],
      jobs: [job('v1.0.0', 'building', old, 'b-1')],
      builds: { 'b-1': restBuild('b-1', 'SUCCESS', 'v1.0.0') },
    });
    const path = jobObjectPath({ repository: REPO, tag: 'v1.0.0' });
    const stored = (await store.read(path))!;
    const tampered = { ...(stored.data as JobStatus), history: 'none' };
    await store.write(path, tampered, { ifGenerationMatch: stored.generation });
    expect((await handle()).errors).toEqual([
      expect.objectContaining({
        stage: 'settle',
        tag: 'v1.0.0',
        message: expect.stringMatching(/is unreadable/),
      }),
    ]);
    expect((await store.read(path))?.data).toEqual(tampered);
  });
});

describe('reconcile: polling upstreams', () => {
  const TOKEN = 'ghp_polltoken';
  const pollState = async (store: DocumentStore, repository = REPO) =>
    (await store.read(pollStateObjectPath(repository)))?.data as PollState | undefined;

  it('lists a private upstream with the token of its own secret, and never reports the token', async () => {
    const asked: Array<{ name: string; token?: string | undefined }> = [];
    const { handle, store, logs } = await setup({
      tags: ['v1.0.0'],
      repositories: [repo({ private: true, tokenSecret: 'widgets-token' })],
      tokens: { read: async (secret) => (secret === 'widgets-token' ? TOKEN : 'wrong') },
      upstream: {
        list: async (name, options) => {
          asked.push({ name, token: options?.token });
          throw new Error(`fatal: Authentication failed (header Basic ${TOKEN})`);
        },
      },
    });
    const report = await handle();
    expect(asked).toEqual([{ name: REPO, token: TOKEN }]);
    expect(report.errors).toEqual([
      { repository: REPO, stage: 'upstream', message: 'fatal: Authentication failed (header Basic [token])' },
    ]);
    const everything = JSON.stringify([report, logs, await pollState(store)]);
    expect(everything).not.toContain(TOKEN);
    expect(logs).toContainEqual(
      expect.objectContaining({ severity: 'WARNING', message: 'upstream not polled; retried with backoff' }),
    );
  });

  it('reports a token it cannot read as the token stage, with backoff', async () => {
    const { handle, store } = await setup({
      repositories: [repo({ private: true, tokenSecret: 'gone' })],
      tokens: {
        read: async () => {
          throw new Error('Secret gone not found');
        },
      },
    });
    expect((await handle()).polls).toEqual([
      {
        repository: REPO,
        ok: false,
        consecutiveFailures: 1,
        nextPollAt: '2024-05-01T12:10:00.000Z',
        error: 'Secret gone not found',
        toBuild: [],
      },
    ]);
    expect(await pollState(store)).toMatchObject({ lastError: { stage: 'token' } });
  });

  it('polls a repository once per interval, and at once again when asked for by name', async () => {
    let listed = 0;
    const { handle, clock, store } = await setup({
      repositories: [repo({ pollInterval: '2m' })],
      upstream: { list: async () => (listed++, ['v1.0.0']) },
    });
    expect((await handle()).polls).toMatchObject([{ ok: true, upstreamTags: 1, toBuild: ['v1.0.0'] }]);
    clock.advance(60_000);
    expect(await handle()).toMatchObject({ polls: [], enqueued: [] });
    // A run a moment early (Cloud Scheduler jitter) still takes it: a tenth of the interval, at most 5 s.
    clock.advance(55_000);
    expect((await handle()).polls).toHaveLength(1);
    expect(listed).toBe(2);
    await handle({ repositories: [REPO] });
    expect(listed).toBe(3);
    expect(await pollState(store)).toMatchObject({
      intervalSeconds: 120,
      consecutiveFailures: 0,
      lastSuccessAt: '2024-05-01T12:01:55.000Z',
      nextPollAt: '2024-05-01T12:03:55.000Z',
      upstreamTags: 1,
    });
  });

  it('backs off a failing upstream (doubling, capped at an hour) while another is still enqueued', async () => {
    let down = true;
    const { handle, clock, store, queue } = await setup({
      repositories: [
        repo({ pollInterval: '10m' }),
        repo({ repository: 'octo-org/other', pollInterval: '10m' }),
      ],
      upstream: {
        list: async (name) => {
          if (name === REPO && down) throw new Error('unable to access: Could not resolve host');
          return [name === REPO ? 'v1.0.0' : `v${queue.published.length + 1}.0.0`];
        },
      },
    });
    const waits: number[] = [];
    for (let run = 0; run < 5; run++) {
      const report = await handle();
      const failed = report.polls.find((poll) => poll.repository === REPO);
      expect(failed).toMatchObject({ ok: false, consecutiveFailures: run + 1 });
      waits.push((Date.parse(failed?.nextPollAt ?? '') - clock.now().getTime()) / 60_000);
      // Not due before its backoff ends, however often reconcile runs.
      clock.advance(waits.at(-1)! * 60_000 - 10_000);
      expect((await handle()).polls.map((poll) => poll.repository)).not.toContain(REPO);
      clock.advance(10_000);
    }
    expect(waits).toEqual([20, 40, 60, 60, 60]);
    expect(queue.published.map((message) => message.request.repository)).toContain('octo-org/other');
    down = false;
    const recovered = await handle();
    expect(recovered.polls.find((poll) => poll.repository === REPO)).toMatchObject({
      ok: true,
      consecutiveFailures: 0,
    });
    expect(recovered.enqueued.map((entry) => entry.tag)).toContain('v1.0.0');
    expect(await pollState(store)).toMatchObject({
      consecutiveFailures: 0,
      lastError: { stage: 'upstream', message: expect.stringContaining('Could not resolve host') },
    });
  });

  it('does not hold up the others behind a slow upstream', async () => {
    let release: () => void = () => {};
    const slow = new Promise<void>((resolve) => (release = resolve));
    const names = ['octo-org/a', 'octo-org/b', 'octo-org/c'];
    const { handle, queue } = await setup({
      concurrency: 2,
      repositories: [repo(), ...names.map((repository) => repo({ repository }))],
      upstream: { list: async (name) => (name === REPO ? (await slow, ['v9.0.0']) : ['v1.0.0']) },
    });
    const run = handle();
    await waitUntil(() => queue.published.length === names.length);
    release();
    expect((await run).enqueued).toHaveLength(names.length + 1);
  });

  it.each([
    ['none', [], ['v1.0.0', 'v1.1.0', 'v2.0.0']],
    [{ latest: 2 }, ['v1.1.0', 'v2.0.0'], ['v1.0.0']],
    ['all', ['v1.0.0', 'v1.1.0', 'v2.0.0'], []],
  ] as const)(
    'at first contact with existingTags %j builds %j and leaves %j, for good',
    async (existingTags, build, left) => {
      const tags = ['v1.0.0', 'v2.0.0', 'v1.1.0'];
      const { handle, clock, store, queue } = await setup({
        repositories: [repo({ existingTags: existingTags as never, pollInterval: '1m' })],
        upstream: { list: async () => tags },
      });
      const preview = await handle({ repositories: [REPO], dryRun: true });
      expect(preview).toMatchObject({ dryRun: true, enqueued: [] });
      expect(preview.polls[0]?.firstContact).toEqual({ existingTags, build, left });
      expect(await pollState(store)).toBeUndefined();
      expect(queue.published).toEqual([]);

      const first = await handle();
      expect(first.enqueued.map((entry) => entry.tag)).toEqual(build);
      expect(first.polls[0]?.firstContact).toEqual({ existingTags, build, left });
      // The worker would have claimed each enqueued tag.
      for (const tag of build) {
        const claimed = job(tag, 'published', clock.now().toISOString());
        await updateJob(store, claimed, () => ({ write: claimed }), clock.now);
      }
      expect(await pollState(store)).toMatchObject({ firstContact: { existingTags, built: build, left } });

      tags.push('v2.1.0');
      clock.advance(60_000);
      const later = await handle();
      expect(later.enqueued.map((entry) => entry.tag)).toEqual(['v2.1.0']);
      expect(later.polls[0]?.firstContact).toBeUndefined();
    },
  );
});

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let tries = 0; tries < 1000 && !condition(); tries++)
    await new Promise((resolve) => setTimeout(resolve, 1));
  expect(condition()).toBe(true);
}
