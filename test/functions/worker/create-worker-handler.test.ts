import { describe, expect, it } from 'vitest';
import { createWorkerHandler, type WorkerConfig } from '../../../functions/worker/create-worker-handler.js';
import { RepositoryConfig } from '../../../shared/config/repository-config.js';
import { fixedRepositories } from '../../../shared/config/repository-provider.js';
import { jobObjectPath } from '../../../shared/contracts/job-id.js';
import { TransientError } from '../../../shared/errors.js';
import { createLogger, silentLogger } from '../../../shared/log/create-logger.js';
import { blankJob } from '../../../shared/status/blank-job.js';
import { JobStatus } from '../../../shared/status/job-status.js';
import { createFakeBuildService, type FakeBuildService } from '../../fakes/create-fake-build-service.js';
import { createFakeClock } from '../../fakes/create-fake-clock.js';
import { createFakeRegistry, type FakeRegistry } from '../../fakes/create-fake-registry.js';
import {
  createMemoryDocumentStore,
  randomTurns,
  type MemoryDocumentStore,
} from '../../fakes/create-memory-document-store.js';
import { pubsubEvent } from '../../fakes/pubsub-event.js';

const JOB = { repository: 'Octo-Org/Widgets', tag: 'v1.0.0' };
const REPOSITORIES = [
  RepositoryConfig.parse({ repository: 'Octo-Org/Widgets' }),
  RepositoryConfig.parse({
    repository: 'Octo-Org/Mono',
    pythonVersion: '3.11',
    packages: [
      { name: 'api', subdirectory: 'services/api', tagPrefix: 'api-v', distributionName: 'octo-api' },
      { name: 'client', subdirectory: 'clients/python', tagPrefix: 'client-v', versionPolicy: 'from-tag' },
    ],
  }),
];
const config: WorkerConfig = {
  projectId: 'p',
  upstreamBase: 'https://github.com',
  buildIsolation: true,
  registryAuth: 'none',
  buildTimeoutSeconds: 600,
  leaseSeconds: 60,
  buildServiceAccount: undefined,
  registryUrl: 'https://registry.example/p/r/',
  stagingBucket: 'p-staging',
};

function setup(overrides: Partial<WorkerConfig> = {}) {
  const store = createMemoryDocumentStore();
  const builds = createFakeBuildService();
  const registry = createFakeRegistry();
  const clock = createFakeClock();
  const logs: Array<Record<string, unknown>> = [];
  const logger = createLogger({ write: (line) => logs.push(JSON.parse(line) as Record<string, unknown>) });
  const worker = (holder: string, deps: { registry?: FakeRegistry; builds?: FakeBuildService } = {}) =>
    createWorkerHandler({
      repositories: fixedRepositories(REPOSITORIES),
      config: { ...config, ...overrides },
      store,
      builds: deps.builds ?? builds,
      registry: deps.registry ?? registry,
      logger,
      clock: clock.now,
      holder,
    });
  return { store, builds, registry, clock, worker, logs };
}

async function readJob(store: MemoryDocumentStore, id = JOB): Promise<JobStatus> {
  return JobStatus.parse((await store.read(jobObjectPath(id)))?.data);
}

const request = (extra: Record<string, unknown> = {}, messageId = 'm-1') =>
  pubsubEvent({ repository: 'octo-org/widgets', tag: 'v1.0.0', ...extra }, { messageId });

// A promise that never settles: the worker awaiting it is as good as dead.
const forever = () => new Promise<never>(() => {});

describe('worker claims', () => {
  it('claims a new job, starts one build and records it, giving up its lease', async () => {
    const { store, builds, worker } = setup();
    expect(await worker('a')(request())).toEqual({ outcome: 'started', buildId: 'build-1' });
    const job = await readJob(store);
    expect(job).toMatchObject({ state: 'queued', attempt: 1, claimedBy: 'm-1', build: { id: 'build-1' } });
    expect(job.lease).toBeUndefined();
    expect(builds.builds[0]?.substitutions['_PKGRELAY_ATTEMPT']).toBe('1');
  });

  it('starts the build on the configured builder image', async () => {
    const { builds, worker } = setup({
      builderImage: 'r-docker.pkg.dev/p/pkgrelay-images/builder:py{python}-d1',
    });
    await worker('a')(request());
    expect(new Set((builds.builds[0]?.steps ?? []).map((step) => step.name))).toEqual(
      new Set(['r-docker.pkg.dev/p/pkgrelay-images/builder:py3.12-d1']),
    );
  });

  it('starts exactly one build for 30 concurrent deliveries through 3 instances', async () => {
    const { store, builds, worker } = setup();
    store.pause = randomTurns(8);
    const instances = [worker('a'), worker('b'), worker('c')];
    const deliveries = Array.from({ length: 30 }, (_, i) => ({ i, handle: instances[i % 3]! }));
    const pending = new Set(deliveries.map(({ i }) => i));
    // Pub/Sub redelivers what threw; keep going until every delivery is acknowledged.
    for (let round = 0; round < 5 && pending.size > 0; round++) {
      const results = await Promise.allSettled(
        [...pending].map((i) => deliveries[i]!.handle(request({}, `m-${i}`)).then(() => pending.delete(i))),
      );
      for (const result of results)
        if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(TransientError);
    }
    expect(pending.size).toBe(0);
    expect(store.conflicts()).toBeGreaterThan(0);
    expect(builds.builds).toHaveLength(1);
    const job = await readJob(store);
    expect(job.build?.id).toBe('build-1');
    expect(job.history.map((entry) => entry.state)).toEqual(['queued']);
  });

  it('waits while another worker holds a live lease, and takes over after it', async () => {
    const { store, builds, clock, worker } = setup();
    const dead = createFakeRegistry();
    dead.list = forever;
    void worker('dead', { registry: dead })(request());
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await readJob(store)).lease?.holder).toBe('dead');

    await expect(worker('b')(request({}, 'm-2'))).rejects.toThrow(/in flight elsewhere.*claimed by dead/);
    expect(builds.builds).toHaveLength(0);

    clock.advance(61_000);
    expect(await worker('b')(request({}, 'm-2'))).toEqual({ outcome: 'started', buildId: 'build-1' });
    const job = await readJob(store);
    expect(job.attempt).toBe(1);
    expect(job.history.map((entry) => entry.note)).toEqual(['claimed', 'lease of dead expired; taken over']);
    expect(builds.builds).toHaveLength(1);
  });

  it('waits out, in the request, a live lease that ends within the bound, then takes over', async () => {
    const { store, builds, clock } = setup();
    const dead = createFakeRegistry();
    dead.list = forever;
    const slept: number[] = [];
    const make = (holder: string, registry = createFakeRegistry()) =>
      createWorkerHandler({
        repositories: fixedRepositories(REPOSITORIES),
        config,
        store,
        builds,
        registry,
        logger: silentLogger,
        clock: clock.now,
        holder,
        maxLeaseWaitMs: 15_000,
        sleep: async (ms) => {
          slept.push(ms);
          clock.advance(ms);
        },
      });
    void make('dead', dead)(request());
    await new Promise((resolve) => setTimeout(resolve, 10));
    // 50 s into a 60 s lease: 10 s are left, inside the bound, so no delivery attempt is spent on it.
    clock.advance(50_000);
    expect(await make('b')(request({}, 'm-2'))).toEqual({ outcome: 'started', buildId: 'build-1' });
    expect(slept).toHaveLength(1);
    expect(slept[0]).toBeGreaterThan(10_000 - 100);
    expect(slept[0]).toBeLessThan(10_000 + 100);
    expect((await readJob(store)).history.map((entry) => entry.note)).toEqual([
      'claimed',
      'lease of dead expired; taken over',
    ]);
    expect(builds.builds).toHaveLength(1);
  });

  it('waits out a lease once only: one renewed meanwhile is left to a redelivery', async () => {
    const { store, builds, clock } = setup();
    const dead = createFakeRegistry();
    dead.list = forever;
    void createWorkerHandler({
      repositories: fixedRepositories(REPOSITORIES),
      config,
      store,
      builds,
      registry: dead,
      logger: silentLogger,
      clock: clock.now,
      holder: 'a',
    })(request());
    await new Promise((resolve) => setTimeout(resolve, 10));
    clock.advance(50_000);
    let sleeps = 0;
    const waiting = createWorkerHandler({
      repositories: fixedRepositories(REPOSITORIES),
      config,
      store,
      builds,
      registry: createFakeRegistry(),
      logger: silentLogger,
      clock: clock.now,
      holder: 'b',
      sleep: async (ms) => {
        sleeps++;
        // While b waits, the holder renews its lease (it is alive after all).
        const current = await readJob(store);
        const renewed = {
          ...current,
          lease: { holder: 'a', expiresAt: new Date(clock.now().getTime() + 60_000).toISOString() },
        };
        await store.write(jobObjectPath(JOB), renewed, {
          ifGenerationMatch: (await store.read(jobObjectPath(JOB)))!.generation,
        });
        clock.advance(ms);
      },
    });
    await expect(waiting(request({}, 'm-2'))).rejects.toThrow(/in flight elsewhere.*claimed by a/);
    expect(sleeps).toBe(1);
    expect(builds.builds).toHaveLength(0);
  });

  it('adopts the build of a worker that died between creating it and recording it', async () => {
    const { store, builds, clock, worker } = setup();
    builds.afterCreate = forever;
    void worker('dead')(request());
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(builds.builds).toHaveLength(1);
    expect((await readJob(store)).build).toBeUndefined();

    builds.afterCreate = () => {};
    clock.advance(61_000);
    expect(await worker('b')(request({}, 'm-2'))).toEqual({ outcome: 'adopted', buildId: 'build-1' });
    expect(builds.builds).toHaveLength(1);
    expect(await readJob(store)).toMatchObject({ state: 'building', attempt: 1, build: { id: 'build-1' } });
  });

  it('adopts only a build pkgrelay created: its tag and build service account, never an older forged one', async () => {
    const account = 'projects/p/serviceAccounts/pkgrelay-builds@p.iam.gserviceaccount.com';
    const { store, builds, clock, worker, logs } = setup({ buildServiceAccount: account });
    builds.afterCreate = forever;
    void worker('dead')(request());
    await new Promise((resolve) => setTimeout(resolve, 10));
    const ours = builds.builds[0]!;
    expect(ours.serviceAccount).toBe(account);
    // Anyone who can create builds can copy the substitutions and the tag; not the service account.
    builds.builds.unshift({
      ...structuredClone(ours),
      id: 'forged',
      status: 'SUCCESS',
      createTime: '2000-01-01T00:00:00.000Z',
      serviceAccount: 'projects/p/serviceAccounts/mallory@p.iam.gserviceaccount.com',
    });
    builds.afterCreate = () => {};
    clock.advance(61_000);
    expect(await worker('b')(request({}, 'm-2'))).toEqual({ outcome: 'adopted', buildId: ours.id });
    expect((await readJob(store)).build?.id).toBe(ours.id);
    expect(logs).toContainEqual(
      expect.objectContaining({
        severity: 'WARNING',
        buildId: 'forged',
        reason: expect.stringMatching(/mallory/),
      }),
    );
  });

  it('adopts a build of the attempt that already finished, with its outcome', async () => {
    const { store, builds, clock, worker } = setup();
    builds.afterCreate = forever;
    void worker('dead')(request());
    await new Promise((resolve) => setTimeout(resolve, 10));
    const build = builds.builds[0]!;
    build.status = 'FAILURE';
    build.steps = [{ id: 'fetch', status: 'FAILURE' }];
    builds.afterCreate = () => {};
    clock.advance(61_000);
    await worker('b')(request({}, 'm-2'));
    expect(await readJob(store)).toMatchObject({
      state: 'failed',
      error: { code: 'SOURCE_NOT_FOUND', step: 'fetch' },
    });
  });

  it('never starts a build once its lease was taken over, even if it wakes up later', async () => {
    const { store, builds, clock, worker } = setup();
    let wake: (files: []) => void = () => {};
    const slow = createFakeRegistry();
    slow.list = () => new Promise((resolve) => (wake = resolve));
    const first = worker('slow', { registry: slow })(request());
    await new Promise((resolve) => setTimeout(resolve, 10));
    clock.advance(61_000);
    expect(await worker('b')(request({}, 'm-2'))).toMatchObject({ outcome: 'started' });
    wake([]);
    expect(await first).toMatchObject({ outcome: 'left', reason: expect.stringMatching(/taken over/) });
    expect(builds.builds).toHaveLength(1);
    expect((await readJob(store)).build?.id).toBe('build-1');
  });

  it('gives its lease back when it fails transiently, so the redelivery takes over at once', async () => {
    const { store, builds, registry, clock, worker } = setup();
    registry.failLists(1);
    await expect(worker('a')(request())).rejects.toThrow(/Unable to ask the registry/);
    // The fake clock has not moved: a lease given back expires now, not 60 s from now.
    expect(Date.parse((await readJob(store)).lease?.expiresAt ?? '')).toBeLessThanOrEqual(
      clock.now().getTime(),
    );
    expect(await worker('b')(request())).toMatchObject({ outcome: 'started' });
    expect(builds.builds).toHaveLength(1);
  });

  it('retries when Cloud Build cannot be reached, without a second build', async () => {
    const { builds, worker } = setup();
    builds.failStarts(1);
    await expect(worker('a')(request())).rejects.toThrow(/Unable to start the Cloud Build/);
    expect(await worker('a')(request())).toMatchObject({ outcome: 'started' });
    expect(builds.builds).toHaveLength(1);
  });

  it('leaves a job whose build is in flight', async () => {
    const { builds, worker } = setup();
    await worker('a')(request());
    expect(await worker('b')(request({}, 'm-2'))).toEqual({
      outcome: 'left',
      reason: 'build build-1 is in flight',
    });
    expect(builds.builds).toHaveLength(1);
  });
});

describe('worker on final jobs', () => {
  async function finished(state: 'published' | 'failed') {
    const context = setup();
    await context.worker('a')(request());
    const path = jobObjectPath(JOB);
    const stored = await context.store.read(path);
    const job = JobStatus.parse(stored?.data);
    await context.store.write(path, { ...job, state }, { ifGenerationMatch: stored?.generation ?? '' });
    return context;
  }

  it('does not run a final job again without force', async () => {
    const { builds, worker } = await finished('published');
    expect(await worker('b')(request({}, 'm-2'))).toMatchObject({
      outcome: 'left',
      reason: expect.stringMatching(/already published; send "force": true/),
    });
    expect(builds.builds).toHaveLength(1);
  });

  it('runs it again with force, once per forced message', async () => {
    const { store, builds, worker } = await finished('failed');
    expect(await worker('b')(request({ force: true }, 'forced'))).toMatchObject({ outcome: 'started' });
    expect(builds.builds.map((build) => build.substitutions['_PKGRELAY_ATTEMPT'])).toEqual(['1', '2']);
    const job = await readJob(store);
    expect(job).toMatchObject({ attempt: 2, claimedBy: 'forced', build: { id: 'build-2' } });

    await store.write(
      jobObjectPath(JOB),
      { ...job, state: 'published' },
      {
        ifGenerationMatch: (await store.read(jobObjectPath(JOB)))?.generation ?? '',
      },
    );
    expect(await worker('c')(request({ force: true }, 'forced'))).toMatchObject({
      outcome: 'left',
      reason: expect.stringMatching(/redelivery/),
    });
    expect(builds.builds).toHaveLength(2);
  });
});

describe('worker on a status document that fails its schema', () => {
  it.each([
    ['a state no job has', { state: 'constructor' }],
    ['artifacts of the wrong type', { artifacts: 'none' }],
    [
      'a prototype key',
      JSON.parse('{"__proto__": {"state": "queued"}, "attempt": "1"}') as Record<string, unknown>,
    ],
  ])('leaves a published job with %s as it is: no new attempt, no skip, no build', async (_name, tamper) => {
    const { store, builds, registry, worker, logs } = setup();
    await worker('a')(request());
    const path = jobObjectPath(JOB);
    const stored = await store.read(path);
    const published = { ...JobStatus.parse(stored?.data), state: 'published' };
    await store.write(path, { ...published, ...tamper }, { ifGenerationMatch: stored?.generation ?? '' });
    const tampered = (await store.read(path))?.data;
    registry.files.set('Widgets==1.0.0', ['widgets-1.0.0.tar.gz', 'widgets-1.0.0-py3-none-any.whl']);

    expect(await worker('b')(request({}, 'm-2'))).toMatchObject({
      outcome: 'left',
      reason: expect.stringMatching(
        /^jobs\/octo-org\/widgets\/v1\.0\.0\.json is unreadable \(fails its schema/,
      ),
    });
    expect((await store.read(path))?.data).toEqual(tampered);
    expect(builds.builds).toHaveLength(1);
    expect(logs).toContainEqual(expect.objectContaining({ severity: 'ERROR', path }));
  });

  it('leaves an unreadable document of a refused request alone too', async () => {
    const { store, worker } = setup();
    const id = { repository: 'someone/else', tag: 'v1.0.0' };
    await store.write(jobObjectPath(id), { evidence: true }, { ifGenerationMatch: '0' });
    expect(await worker('a')(pubsubEvent(id))).toMatchObject({ outcome: 'left' });
    expect((await store.read(jobObjectPath(id)))?.data).toEqual({ evidence: true });
  });
});

describe('worker before building', () => {
  it('skips a version the registry already holds, with the reason and no build', async () => {
    const { store, builds, registry, worker } = setup();
    registry.files.set('Widgets==1.0.0', ['widgets-1.0.0.tar.gz', 'widgets-1.0.0-py3-none-any.whl']);
    expect(await worker('a')(request())).toMatchObject({ outcome: 'skipped' });
    const job = await readJob(store);
    expect(job.state).toBe('skipped');
    expect(job.reason).toMatch(
      /already in the registry; published outside pkgrelay: widgets-1\.0\.0\.tar\.gz/,
    );
    expect(job.lease).toBeUndefined();
    expect(builds.builds).toHaveLength(0);
  });

  it('tells files pkgrelay published before from files published outside it, by their sha256', async () => {
    const { store, builds, registry, worker } = setup();
    const [ours, theirs] = ['a'.repeat(64), 'b'.repeat(64)];
    // Attempt 1 published the sdist (and recorded it); someone else uploaded the wheel.
    await store.write(
      jobObjectPath(JOB),
      {
        ...blankJob(JOB, new Date('2026-01-01T00:00:00Z'), { version: '1.0.0', state: 'published' }),
        artifacts: [
          { filename: 'widgets-1.0.0.tar.gz', sha256: ours, size: 1, kind: 'sdist', uploaded: true },
        ],
        upstream: { commit: 'c'.repeat(40) },
      },
      { ifGenerationMatch: '0' },
    );
    registry.files.set('Widgets==1.0.0', [
      { filename: 'widgets-1.0.0.tar.gz', sha256: ours },
      { filename: 'widgets-1.0.0-py3-none-any.whl', sha256: theirs },
    ]);
    expect(await worker('a')(request({ force: true }))).toMatchObject({ outcome: 'skipped' });
    const job = await readJob(store);
    expect(job).toMatchObject({
      state: 'skipped',
      attempt: 2,
      replaces: { attempt: 1, state: 'published', commit: 'c'.repeat(40) },
      existingFiles: [
        { filename: 'widgets-1.0.0.tar.gz', sha256: ours, publishedBy: 'pkgrelay', tag: 'v1.0.0' },
        { filename: 'widgets-1.0.0-py3-none-any.whl', sha256: theirs, publishedBy: 'outside' },
      ],
    });
    expect(job.reason).toBe(
      `Widgets 1.0.0 is already in the registry; published by pkgrelay before (tag v1.0.0): widgets-1.0.0.tar.gz; ` +
        `published outside pkgrelay: widgets-1.0.0-py3-none-any.whl (sha256 ${theirs}); no build ran`,
    );
    expect(builds.builds).toHaveLength(0);
  });

  it('lets a forced build add to a partly published version only from the commit it was published from', async () => {
    const { store, builds, registry, worker } = setup();
    await store.write(
      jobObjectPath(JOB),
      {
        ...blankJob(JOB, new Date('2026-01-01T00:00:00Z'), { version: '1.0.0', state: 'failed' }),
        upstream: { commit: 'c'.repeat(40) },
      },
      { ifGenerationMatch: '0' },
    );
    registry.files.set('Widgets==1.0.0', [{ filename: 'widgets-1.0.0.tar.gz', sha256: 'a'.repeat(64) }]);
    expect(await worker('a')(request({ force: true }))).toMatchObject({ outcome: 'started' });
    expect(builds.builds[0]?.substitutions['_PKGRELAY_EXPECT_COMMIT']).toBe('c'.repeat(40));
    expect((await readJob(store)).history.at(-1)?.note).toBe(
      `forced after failed, replacing attempt 1 built from ${'c'.repeat(40)}`,
    );
  });

  it('records a request for a repository that is not configured as failed NOT_CONFIGURED', async () => {
    const { store, worker } = setup();
    const event = pubsubEvent({ repository: 'someone/else', tag: 'v1.0.0' });
    expect(await worker('a')(event)).toMatchObject({ outcome: 'rejected' });
    expect(await readJob(store, { repository: 'someone/else', tag: 'v1.0.0' })).toMatchObject({
      state: 'failed',
      error: { code: 'NOT_CONFIGURED' },
    });
  });

  it('records a malformed message under rejected/ and acknowledges it', async () => {
    const { store, worker } = setup();
    expect(await worker('a')(pubsubEvent('{"repository":', { messageId: 'bad' }))).toMatchObject({
      outcome: 'rejected',
    });
    expect(store.snapshot()['rejected/bad.json']).toMatchObject({ messageId: 'bad' });
  });
});

describe('worker on a repository of several packages', () => {
  const mono = (tag: string) => ({ repository: 'Octo-Org/Mono', tag });

  it('builds the package the tag belongs to, with its options, and records the package', async () => {
    const { store, builds, worker } = setup();
    const event = pubsubEvent({ repository: 'octo-org/mono', tag: 'client-v0.3.0' });
    expect(await worker('a')(event)).toEqual({ outcome: 'started', buildId: 'build-1' });
    expect(builds.builds[0]?.substitutions).toMatchObject({
      _PKGRELAY_REPOSITORY: 'Octo-Org/Mono',
      _PKGRELAY_TAG: 'client-v0.3.0',
      _PKGRELAY_VERSION: '0.3.0',
      _PKGRELAY_SUBDIR: 'clients/python',
      _PKGRELAY_VERSION_POLICY: 'from-tag',
      _PKGRELAY_DISTRIBUTION_NAME: '',
    });
    // The repository's pythonVersion, which the package does not set.
    expect(builds.builds[0]?.steps?.[0]?.name).toBe('python:3.11');
    const job = await readJob(store, mono('client-v0.3.0'));
    expect(job).toMatchObject({ package: 'client', version: '0.3.0' });
    expect(job.distribution).toBeUndefined();
    expect(store.snapshot()['repos/octo-org/mono/index.json']).toMatchObject({
      jobs: [expect.objectContaining({ tag: 'client-v0.3.0', package: 'client' })],
    });
  });

  it("asks the registry under the package's distribution name", async () => {
    const { store, builds, registry, worker } = setup();
    registry.files.set('octo-api==1.2.0', ['octo_api-1.2.0.tar.gz', 'octo_api-1.2.0-py3-none-any.whl']);
    const event = pubsubEvent({ repository: 'Octo-Org/Mono', tag: 'api-v1.2.0' });
    expect(await worker('a')(event)).toMatchObject({ outcome: 'skipped' });
    expect(await readJob(store, mono('api-v1.2.0'))).toMatchObject({
      state: 'skipped',
      package: 'api',
      distribution: 'octo-api',
    });
    expect(builds.builds).toHaveLength(0);
  });

  it('refuses a tag of no package as INVALID_REQUEST, naming the packages', async () => {
    const { store, builds, worker } = setup();
    const event = pubsubEvent({ repository: 'Octo-Org/Mono', tag: 'docs-v1' });
    expect(await worker('a')(event)).toMatchObject({ outcome: 'rejected' });
    expect(await readJob(store, mono('docs-v1'))).toMatchObject({
      state: 'failed',
      error: {
        code: 'INVALID_REQUEST',
        message:
          'tag "docs-v1" matches none of the packages of Octo-Org/Mono: api-v… (api), client-v… (client); nothing to build',
      },
    });
    expect(builds.builds).toHaveLength(0);
  });
});
