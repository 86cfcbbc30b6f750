import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createBuildEventsHandler } from '../functions/build-events/create-build-events-handler.js';
import { createWorkerHandler, type WorkerConfig } from '../functions/worker/create-worker-handler.js';
import {
  CloudStorageMutationRate,
  MutationRateControlPath,
  startStorageServer,
  type MutationRateOptions,
} from '../local/storage/start-storage-server.js';
import { createGcsDocumentStore } from '../shared/adapters/create-gcs-document-store.js';
import type { BuildPlan } from '../shared/build/create-build-plan.js';
import { RepositoryConfig } from '../shared/config/repository-config.js';
import { fixedRepositories } from '../shared/config/repository-provider.js';
import { badgeObjectPath, indexObjectPath, jobObjectPath } from '../shared/contracts/job-id.js';
import { createLogger, silentLogger } from '../shared/log/create-logger.js';
import type { BuildService } from '../shared/ports/build-service.js';
import { JobStatus } from '../shared/status/job-status.js';
import { Badge, RepositoryIndex } from '../shared/status/repository-index.js';

export interface HotBackfillOptions {
  tags: number;
  /** Deliveries each function handles at once, as Pub/Sub pushes to several instances. Default 32. */
  concurrency?: number;
  /** The storage stand-in's per-object rate; default Cloud Storage's, one write a second. */
  mutationRate?: MutationRateOptions | 'off';
}

export interface HotBackfillResult {
  tags: number;
  elapsedMs: number;
  jobsPerMinute: number;
  /** Jobs whose document, index entry or build count is not exactly one published attempt. */
  wrong: string[];
  badge: string | undefined;
  /** Writes the stand-in admitted and refused with 429 (each refusal a client retry), refusals by kind of object. */
  storage: { admitted: number; refused: number; refusedBy: { index: number; badge: number; jobs: number } };
  /** Objects written, by kind: the index and badge are the hot ones. */
  writes: { index: number; badge: number; jobs: number };
  redeliveries: number;
}

const REPOSITORY = 'hot-org/widgets';

/**
 * One repository's backfill of `tags` tags through the real worker and build-events handlers, on the
 * storage stand-in through the real client with Cloud Storage's per-object rate on. Builds are the
 * one fake: each phase succeeds as soon as it is created (its WORKING and SUCCESS notifications
 * delivered to build-events), since real builds of 1,000 tags take about half an hour on two cores.
 */
export async function runHotBackfill(options: HotBackfillOptions): Promise<HotBackfillResult> {
  const { tags, concurrency = 32, mutationRate = CloudStorageMutationRate } = options;
  const dataDir = await mkdtemp(join(tmpdir(), 'pkgrelay-hot-'));
  const writes = { index: 0, badge: 0, jobs: 0 };
  // The stand-in logs every object it wrote: count them by kind, to see how often the hot objects changed.
  const logger = createLogger({
    minSeverity: 'INFO',
    write: (line) => {
      const entry = JSON.parse(line) as { message?: string; name?: string };
      if (entry.message === 'object written' && entry.name) writes[kindOf(entry.name)]++;
    },
  });
  const server = await startStorageServer({ dataDir, objectMutationRate: mutationRate, logger });
  try {
    const { Storage } = await import('@google-cloud/storage');
    await new Storage({ apiEndpoint: server.url, projectId: 'p' }).createBucket('status');
    const store = createGcsDocumentStore({ bucket: 'status', projectId: 'p', apiEndpoint: server.url });
    const workers = createPushQueue(concurrency);
    const events = createPushQueue(concurrency);
    const repositories = fixedRepositories([RepositoryConfig.parse({ repository: REPOSITORY })]);
    const builds = instantBuilds((build) => {
      // Cloud Build publishes WORKING, then the final status; build-events sees them in that order here.
      events.push(notification({ ...build, status: 'WORKING' }), buildEvents, () =>
        events.push(notification({ ...build, status: 'SUCCESS', ...succeeded(build) }), buildEvents),
      );
    });
    const buildEvents = createBuildEventsHandler({
      store,
      logger: silentLogger,
      buildTimeoutSeconds: 600,
      builds,
      projectId: 'p',
      repositories,
    });
    const worker = createWorkerHandler({
      config: workerConfig(),
      repositories,
      store,
      builds,
      registry: { list: () => Promise.resolve([]) },
      logger: silentLogger,
    });
    const tagNames = Array.from({ length: tags }, (_, i) => `v1.0.${i}`);
    const started = performance.now();
    for (const [i, tag] of tagNames.entries()) {
      workers.push(message({ repository: REPOSITORY, tag, source: { kind: 'manual' } }, `m-${i}`), worker);
    }
    await workers.drained();
    await events.drained();
    const elapsedMs = performance.now() - started;
    const wrong = await checkOutcome(store, tagNames, builds.count);
    const badge = Badge.safeParse((await store.read(badgeObjectPath(REPOSITORY)))?.data);
    const storage = (await (await fetch(`${server.url}${MutationRateControlPath}`)).json()) as {
      admitted: number;
      refused: number;
      refusedByObject: Record<string, number>;
    };
    const refusedBy = { index: 0, badge: 0, jobs: 0 };
    for (const [key, count] of Object.entries(storage.refusedByObject)) {
      const name = key.slice(key.indexOf('/') + 1);
      refusedBy[kindOf(name)] += count;
    }
    return {
      tags,
      elapsedMs: Math.round(elapsedMs),
      jobsPerMinute: Math.round((tags / elapsedMs) * 60_000 * 10) / 10,
      wrong,
      badge: badge.success ? badge.data.message : undefined,
      storage: { admitted: storage.admitted, refused: storage.refused, refusedBy },
      writes,
      redeliveries: workers.redeliveries() + events.redeliveries(),
    };
  } finally {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function kindOf(name: string): 'index' | 'badge' | 'jobs' {
  if (name === indexObjectPath(REPOSITORY)) return 'index';
  return name === badgeObjectPath(REPOSITORY) ? 'badge' : 'jobs';
}

async function checkOutcome(
  store: ReturnType<typeof createGcsDocumentStore>,
  tagNames: string[],
  buildCount: () => Map<string, number>,
): Promise<string[]> {
  const wrong: string[] = [];
  const index = RepositoryIndex.parse((await store.read(indexObjectPath(REPOSITORY)))?.data);
  const entries = new Map(index.jobs.map((entry) => [entry.tag, entry]));
  if (index.jobs.length !== tagNames.length) wrong.push(`index lists ${index.jobs.length} jobs`);
  const counts = buildCount();
  for (const tag of tagNames) {
    const job = JobStatus.parse((await store.read(jobObjectPath({ repository: REPOSITORY, tag })))?.data);
    const entry = entries.get(tag);
    const published = job.history.filter((step) => step.state === 'published').length;
    if (job.state !== 'published' || job.attempt !== 1 || published !== 1)
      wrong.push(`${tag}: job ${job.state}`);
    if (entry?.state !== 'published' || entry.updatedAt !== job.updatedAt)
      wrong.push(`${tag}: index ${entry?.state}`);
    // One build phase and one publish phase.
    if (counts.get(tag) !== 2) wrong.push(`${tag}: ${counts.get(tag) ?? 0} builds`);
  }
  return wrong;
}

type Handler = (event: { id: string; data: unknown }) => Promise<unknown>;

/** Pub/Sub push as the local emulator does it: a bounded number in flight, a failed delivery pushed again after a second. */
function createPushQueue(concurrency: number) {
  const waiting: Array<() => Promise<void>> = [];
  let running = 0;
  let redeliveries = 0;
  let idle: (() => void) | undefined;
  const next = (): void => {
    while (running < concurrency && waiting.length) {
      const task = waiting.shift() as () => Promise<void>;
      running++;
      void task().finally(() => {
        running--;
        next();
        if (running === 0 && waiting.length === 0) idle?.();
      });
    }
  };
  return {
    push(event: { id: string; data: unknown }, handler: Handler, then?: () => void): void {
      const attempt = async (): Promise<void> => {
        try {
          await handler(event);
          then?.();
        } catch {
          redeliveries++;
          await sleep(1_000);
          waiting.push(attempt);
        }
      };
      waiting.push(attempt);
      next();
    },
    drained: async (): Promise<void> => {
      while (running > 0 || waiting.length > 0) await new Promise<void>((resolve) => (idle = resolve));
    },
    redeliveries: () => redeliveries,
  };
}

interface FakeBuild {
  id: string;
  logUrl: string;
  substitutions: Record<string, string>;
  tags: string[];
  steps: Array<{ id: string }>;
  artifacts?: { objects: { location: string } };
}

function instantBuilds(
  onCreate: (build: FakeBuild) => void,
): BuildService & { count: () => Map<string, number> } {
  const all: FakeBuild[] = [];
  return {
    async start(plan: BuildPlan) {
      const id = `build-${all.length + 1}`;
      const build: FakeBuild = {
        id,
        logUrl: `https://console.cloud.google.com/cloud-build/builds/${id}`,
        substitutions: { ...plan.substitutions },
        tags: [...plan.tags],
        steps: plan.steps.map((step) => ({ id: step.id })),
        ...(plan.artifacts ? { artifacts: { objects: { location: plan.artifacts.objects.location } } } : {}),
      };
      all.push(build);
      onCreate(build);
      return { id, logUrl: build.logUrl };
    },
    get: (id) => Promise.resolve(structuredClone(all.find((build) => build.id === id))),
    listByTag: (tag) =>
      Promise.resolve(all.filter((build) => build.tags.includes(tag)).map((b) => structuredClone(b))),
    count: () => {
      const counts = new Map<string, number>();
      for (const build of all) {
        const tag = build.substitutions['_PKGRELAY_TAG'] ?? '';
        counts.set(tag, (counts.get(tag) ?? 0) + 1);
      }
      return counts;
    },
  };
}

// The build phase reports the files it packed; the publish phase what it uploaded.
function succeeded(build: FakeBuild): Record<string, unknown> {
  const version = (build.substitutions['_PKGRELAY_TAG'] ?? 'v0').replace(/^v/, '');
  const files = [`widgets-${version}.tar.gz`, `widgets-${version}-py3-none-any.whl`];
  const output = (id: string): string => {
    if (id === 'pack') return encode({ files });
    if (id !== 'upload') return '';
    const artifacts = files.map((filename) => ({
      filename,
      // A digest of its own: provenance keeps one record per digest, which would be a hot object.
      sha256: createHash('sha256').update(filename).digest('hex'),
      size: 10,
      kind: filename.endsWith('.whl') ? 'wheel' : 'sdist',
      uploaded: true,
    }));
    return encode({ artifacts });
  };
  return { results: { buildStepOutputs: build.steps.map((step) => output(step.id)) } };
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64');
}

function notification(build: FakeBuild & { status: string }): { id: string; data: unknown } {
  const steps = build.steps.map((step) => ({
    ...step,
    status: build.status === 'SUCCESS' ? 'SUCCESS' : 'WORKING',
  }));
  return message({ ...build, steps }, `${build.id}-${build.status}`, {
    buildId: build.id,
    status: build.status,
  });
}

function message(data: unknown, messageId: string, attributes: Record<string, string> = {}) {
  return {
    id: messageId,
    data: {
      message: { data: Buffer.from(JSON.stringify(data)).toString('base64'), messageId, attributes },
      subscription: 'projects/p/subscriptions/s',
    },
  };
}

function workerConfig(): WorkerConfig {
  return {
    projectId: 'p',
    upstreamBase: 'https://github.com',
    buildIsolation: true,
    registryAuth: 'none',
    buildTimeoutSeconds: 600,
    leaseSeconds: 120,
    buildServiceAccount: undefined,
    registryUrl: 'https://registry.example/p/r/',
    stagingBucket: 'staging',
  };
}
