import { createHash } from 'node:crypto';
import { localServiceAccounts } from '../../local/stack/read-secret-access.js';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PubSub, type Subscription } from '@google-cloud/pubsub';
import type { Bucket } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followJob } from '../../cli/follow-job.js';
import { openStatusBucket } from '../../cli/read-status.js';
import { createUpstreamRepository } from '../../local/demo/create-upstream-repository.js';
import { sampleSetuptoolsProject } from '../../local/demo/sample-project.js';
import { waitUntil } from '../../local/net/wait-until.js';
import { FUNCTION_SPECS } from '../../local/stack/function-specs.js';
import { findPackageRoot } from '../../local/stack/find-package-root.js';
import { startStack, type Stack } from '../../local/stack/start-stack.js';
import { startFunction, type RunningFunction } from '../../local/stack/start-function.js';
import type { JobStatus } from '../../shared/status/job-status.js';
import { createStatusValidator } from '../schemas/create-status-validator.js';

const REPO = 'Octo-Org/Widgets';
const TAGS = ['v1.0.0', 'v2.0.0', 'v3.0.0'] as const;
const LEASE_SECONDS = 20;

// Test wiring only: a worker started with this preload kills itself (SIGKILL) at the request named
// by CRASH_ON ("<METHOD> <path regex> request|response"), as a crash at that moment would.
const CRASH_PRELOAD = `
import { subscribe } from 'node:diagnostics_channel';
const [method, pattern, phase] = (process.env.CRASH_ON ?? '').split(' ');
const path = new RegExp(pattern);
const check = (m, p, when) => { if (m === method && path.test(p) && when === phase) process.kill(process.pid, 'SIGKILL'); };
subscribe('undici:request:create', ({ request }) => check(request.method, request.path, 'request'));
subscribe('undici:request:headers', ({ request }) => check(request.method, request.path, 'response'));
subscribe('http.client.request.start', ({ request }) => check(request.method, request.path, 'request'));
subscribe('http.client.response.finish', ({ request }) => check(request.method, request.path, 'response'));
`;

describe('exactly one build per tag on the local stack', () => {
  let stack: Stack;
  let bucket: Bucket;
  let pubsub: PubSub;
  let notes: Subscription;
  let root: string;
  const saved: Array<{ data: Buffer; attributes: Record<string, string> }> = [];
  const extra: RunningFunction[] = [];
  const scenarios = new Map<string, Promise<JobStatus>>();

  const workerEnv = (more: Record<string, string> = {}): Record<string, string> => ({
    PKGRELAY_PROJECT_ID: stack.info.projectId,
    GOOGLE_CLOUD_PROJECT: stack.info.projectId,
    PKGRELAY_CONFIG: stack.info.configPath,
    PKGRELAY_UPSTREAM_BASE: stack.info.upstreamBase,
    PKGRELAY_WEBHOOK_SECRETS: stack.info.webhook.secret,
    PKGRELAY_BUCKET: stack.info.storage.bucket,
    // As the stack's own worker has them: where build phases leave their archive, and who they run as.
    PKGRELAY_STAGING_BUCKET: `${stack.info.storage.bucket}-staging`,
    PKGRELAY_BUILD_SERVICE_ACCOUNT: localServiceAccounts(stack.info.projectId).builder,
    PKGRELAY_REGISTRY_URL: stack.info.registry.url,
    PKGRELAY_CLOUDBUILD_ENDPOINT: stack.info.cloudbuild.host,
    PKGRELAY_BUILD_ISOLATION: 'false',
    PKGRELAY_REGISTRY_AUTH: 'none',
    PKGRELAY_LEASE_SECONDS: String(LEASE_SECONDS),
    PUBSUB_EMULATOR_HOST: stack.info.pubsub.host,
    STORAGE_EMULATOR_HOST: stack.info.storage.host,
    METADATA_SERVER_DETECTION: 'none',
    ...more,
  });
  const spec = FUNCTION_SPECS['worker']!;
  const startWorker = async (name: string, env: Record<string, string> = {}): Promise<RunningFunction> => {
    const fn = await startFunction(
      { ...spec, source: join(findPackageRoot(), spec.source) },
      { env: workerEnv(env), logFile: join(root, 'logs', `${name}.log`) },
    );
    extra.push(fn);
    return fn;
  };
  const publish = (tag: string, copies = 1) =>
    Promise.all(
      Array.from({ length: copies }, () =>
        pubsub
          .topic(stack.info.pubsub.topic)
          .publishMessage({ json: { repository: 'octo-org/widgets', tag } }),
      ),
    );
  const follow = (tag: string) => followJob(bucket, { repository: REPO, tag }, { timeoutMs: 100_000 });

  /** Delivers one push to a worker that will crash on the way, and waits until it is gone. */
  async function crashWorker(name: string, crashOn: string, tag: string): Promise<void> {
    const fn = await startWorker(name, {
      NODE_OPTIONS: `--import=${join(root, 'crash.mjs')}`,
      CRASH_ON: crashOn,
    });
    const data = Buffer.from(JSON.stringify({ repository: 'octo-org/widgets', tag })).toString('base64');
    await fetch(`${fn.url}/projects/${stack.info.projectId}/topics/${stack.info.pubsub.topic}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        message: { data, messageId: `crash-${tag}`, attributes: {}, publishTime: new Date().toISOString() },
        subscription: `projects/${stack.info.projectId}/subscriptions/direct`,
      }),
    }).catch(() => undefined);
    await waitUntil(`${name} to die`, async () => fn.process.signalCode === 'SIGKILL');
  }

  /** The job's builds of one phase: each attempt has one build phase, then one publish phase. */
  async function buildsOf(
    tag: string,
    phase: 'build' | 'publish' = 'build',
  ): Promise<Array<{ id: string; status: string }>> {
    const jobTag = `job-${createHash('sha256').update(`octo-org/widgets@${tag}`).digest('hex').slice(0, 24)}`;
    const url = new URL(`/v1/projects/${stack.info.projectId}/builds`, stack.info.cloudbuild.host);
    url.searchParams.set('filter', `tags="${jobTag}"`);
    const body = (await (await fetch(url)).json()) as {
      builds?: Array<{ id: string; status: string; substitutions?: Record<string, string> }>;
    };
    return (body.builds ?? []).filter((build) => build.substitutions?.['_PKGRELAY_PHASE'] === phase);
  }

  async function registryFiles(): Promise<string[]> {
    const response = await fetch(new URL('simple/octo-widgets/', stack.info.registry.url), {
      headers: { accept: 'application/vnd.pypi.simple.v1+json' },
    });
    return ((await response.json()) as { files: Array<{ filename: string }> }).files.map((f) => f.filename);
  }

  async function readDocument(path: string): Promise<{ data: unknown; generation: string }> {
    const file = bucket.file(path);
    const [[contents], [metadata]] = await Promise.all([file.download(), file.getMetadata()]);
    return { data: JSON.parse(contents.toString('utf8')), generation: String(metadata.generation) };
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pkgrelay-once-'));
    await writeFile(join(root, 'crash.mjs'), CRASH_PRELOAD);
    const configPath = join(root, 'repositories.json');
    await writeFile(configPath, JSON.stringify({ repositories: [{ repository: REPO }] }));
    await createUpstreamRepository(
      join(root, 'upstreams'),
      REPO,
      TAGS.map((tag) => ({
        files: sampleSetuptoolsProject('octo-widgets', 'octo_widgets', tag.slice(1)),
        tag,
      })),
    );
    // What this suite proves does not depend on how a backend is installed: offline builds keep it fast.
    stack = await startStack({
      buildIsolation: false,
      rootDir: root,
      configPath,
      functionEnv: { PKGRELAY_LEASE_SECONDS: String(LEASE_SECONDS) },
      buildConcurrency: 3,
      functions: ['worker', 'buildEvents', 'deadLetter'],
    });
    bucket = await openStatusBucket(stack.info.storage.bucket, {
      apiEndpoint: stack.info.storage.host,
      projectId: stack.info.projectId,
    });
    pubsub = new PubSub({
      projectId: stack.info.projectId,
      apiEndpoint: stack.info.pubsub.host,
      emulatorMode: true,
    });
    [notes] = await pubsub.topic('cloud-builds').createSubscription('e2e-saved-notifications');
    notes.on('message', (message) => {
      saved.push({ data: message.data, attributes: message.attributes });
      message.ack();
    });
    // Two more worker instances, each with its own subscription: every message reaches all three at once.
    const workers = await Promise.all([startWorker('worker-2'), startWorker('worker-3')]);
    await Promise.all(
      workers.map((fn, i) =>
        pubsub.topic(stack.info.pubsub.topic).createSubscription(`pkgrelay-worker-extra-${i}`, {
          pushConfig: {
            pushEndpoint: `${fn.url}/projects/${stack.info.projectId}/topics/${stack.info.pubsub.topic}`,
          },
          ackDeadlineSeconds: 60,
          retryPolicy: { minimumBackoff: { seconds: 1 }, maximumBackoff: { seconds: 5 } },
        }),
      ),
    );
    // The three scenarios run side by side; each test below checks one.
    scenarios.set(
      'duplicates',
      publish('v1.0.0', 6).then(() => follow('v1.0.0')),
    );
    scenarios.set(
      'crash after claim',
      crashWorker('crash-after-claim', 'GET /simple/ request', 'v2.0.0')
        .then(() => publish('v2.0.0'))
        .then(() => follow('v2.0.0')),
    );
    scenarios.set(
      'crash after build created',
      crashWorker('crash-after-create', 'POST /v1/projects/[^/]+/builds response', 'v3.0.0')
        .then(() => publish('v3.0.0'))
        .then(() => follow('v3.0.0')),
    );
    for (const scenario of scenarios.values()) scenario.catch(() => {});
  });
  afterAll(async () => {
    await notes?.close();
    await pubsub?.close();
    for (const fn of extra) await fn.stop();
    await stack?.stop();
  });

  it('builds and uploads once for 6 copies of a request, each delivered to 3 workers at once', async () => {
    const job = await scenarios.get('duplicates')!;
    expect(job.state, JSON.stringify(job.error)).toBe('published');
    expect(await buildsOf('v1.0.0')).toHaveLength(1);
    expect(await buildsOf('v1.0.0', 'publish')).toHaveLength(1);
    expect(job.history.map((entry) => entry.state)).toEqual(['queued', 'building', 'published']);
    expect(job.artifacts.map((artifact) => artifact.uploaded)).toEqual([true, true]);
    expect((await registryFiles()).filter((file) => file.includes('1.0.0')).sort()).toEqual([
      'octo-widgets-1.0.0.tar.gz',
      'octo_widgets-1.0.0-py3-none-any.whl',
    ]);
  });

  it('finishes once after the lease when the worker is killed right after its claim', async () => {
    const job = await scenarios.get('crash after claim')!;
    expect(job.state, JSON.stringify(job.error)).toBe('published');
    expect(job.attempt).toBe(1);
    expect(job.history.some((entry) => /expired; taken over/.test(entry.note ?? ''))).toBe(true);
    expect(await buildsOf('v2.0.0')).toHaveLength(1);
  });

  it('adopts the build of a worker killed between creating it and recording it', async () => {
    const job = await scenarios.get('crash after build created')!;
    expect(job.state, JSON.stringify(job.error)).toBe('published');
    const builds = await buildsOf('v3.0.0');
    expect(builds).toHaveLength(1);
    expect(job.build?.id).toBe(builds[0]?.id);
  });

  it('ends right when the notifications are replayed twice and out of order', async () => {
    const job = await scenarios.get('duplicates')!;
    const buildId = job.build?.id ?? '';
    await waitUntil('the notifications of the build', async () =>
      saved.some((note) => note.attributes['buildId'] === buildId && note.attributes['status'] === 'SUCCESS'),
    );
    const mine = saved.filter((note) => note.attributes['buildId'] === buildId);
    const path = 'jobs/octo-org/widgets/v1.0.0.json';
    const before = await readDocument(path);
    const logFile = join(stack.info.logsDir, 'buildEvents.log');
    const ignored = async () =>
      (await readFile(logFile, 'utf8'))
        .split('\n')
        .filter((line) => line.includes('build notification ignored') && line.includes(buildId)).length;
    const ignoredBefore = await ignored();
    const replay = [...mine].reverse().concat(mine);
    for (const note of replay) await pubsub.topic('cloud-builds').publishMessage(note);
    await waitUntil(
      'the replays to be handled',
      async () => (await ignored()) >= ignoredBefore + replay.length,
    );
    const after = await readDocument(path);
    expect(after.generation).toBe(before.generation);
    expect((after.data as JobStatus).history.map((entry) => entry.state)).toEqual([
      'queued',
      'building',
      'published',
    ]);
  });

  it('writes status documents that match the committed JSON Schemas', async () => {
    await Promise.allSettled(scenarios.values());
    const validate = await createStatusValidator();
    for (const tag of TAGS) {
      expect(validate('job-status', (await readDocument(`jobs/octo-org/widgets/${tag}.json`)).data)).toEqual(
        [],
      );
    }
    // Derived a moment after the job documents: it holds all three once written.
    const readIndex = async () =>
      (await readDocument('repos/octo-org/widgets/index.json')).data as { jobs: unknown[] };
    await expect.poll(async () => (await readIndex()).jobs.length, { timeout: 30_000 }).toBe(3);
    expect(validate('repository-index', await readIndex())).toEqual([]);
    expect(validate('badge', (await readDocument('repos/octo-org/widgets/badge.json')).data)).toEqual([]);
  });
});
