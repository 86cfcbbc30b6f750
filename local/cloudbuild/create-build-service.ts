import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../shared/log/create-logger.js';
import { isFinalBuildStatus } from '../../shared/build/read-build-notification.js';
import type { Build } from './build-types.js';
import type { BuildNotifier } from './create-build-notifier.js';
import { createBuildQueue } from './create-build-queue.js';
import type { BuildStore } from './create-build-store.js';
import { parseBuildFilter } from './filter-builds.js';
import { projectNumberOf } from './project-number-of.js';
import type { LocalImage, SandboxKind } from './place-step-in-sandbox.js';
import { runBuild, type StopReason } from './run-build.js';
import { locationOf } from './to-operation.js';
import { validateBuildRequest } from './validate-build-request.js';
import type { SecretAccess } from './check-secret-access.js';
import type { BuildStorage } from './open-build-storage.js';

export type ServiceResult<T> =
  { success: true; data: T } | { success: false; code: 400 | 404; error: string };

/** The Cloud Build stand-in behind its REST routes (not the `BuildService` port pkgrelay calls Cloud Build through). */
export interface StandInBuildService {
  create(projectId: string, location: string, body: unknown): Promise<ServiceResult<Build>>;
  get(projectId: string, id: string): ServiceResult<Build>;
  list(
    projectId: string,
    query: { filter?: string; pageSize?: number; pageToken?: string },
  ): ServiceResult<{ builds: Build[]; nextPageToken: string }>;
  cancel(projectId: string, id: string): Promise<ServiceResult<Build>>;
  readLog(id: string): Promise<string | undefined>;
  /** Cancels queued and running builds and waits for their final notifications. */
  close(): Promise<void>;
}

export interface BuildServiceOptions {
  store: BuildStore;
  notifier: BuildNotifier;
  logger: Logger;
  secretsDir: string | undefined;
  secretAccess?: SecretAccess | undefined;
  storage?: BuildStorage | undefined;
  concurrency: number;
  cacheDir?: string | undefined;
  images?: readonly LocalImage[] | undefined;
  sandbox: SandboxKind;
  keepWorkspaces?: boolean | undefined;
  /** Where a build's `logUrl` points. */
  logUrlOf(id: string): string;
  clock?: () => Date;
}

// Fields Cloud Build fills in itself; a caller's values for them are ignored.
const OutputOnly = [
  'id',
  'name',
  'projectId',
  'status',
  'statusDetail',
  'createTime',
  'startTime',
  'finishTime',
  'results',
  'logUrl',
  'timing',
  'failureInfo',
  'warnings',
  'buildTriggerId',
  'sourceProvenance',
];

/** The stand-in's behaviour behind the REST routes: validate, queue, run, cancel and look up builds. */
export function createBuildService({
  store,
  notifier,
  logger,
  secretsDir,
  secretAccess,
  storage,
  concurrency,
  cacheDir,
  images,
  sandbox,
  keepWorkspaces,
  logUrlOf,
  clock = () => new Date(),
}: BuildServiceOptions): StandInBuildService {
  const queue = createBuildQueue(concurrency);
  const running = new Map<string, { stop: AbortController; done: Promise<void> }>();
  let closing = false;

  const schedule = (build: Build): void => {
    queue.enqueue(build.id, async () => {
      if (closing || build.status !== 'QUEUED') return;
      const stop = new AbortController();
      const done = runBuild(build, stop.signal, {
        store,
        notifier,
        logger,
        secretsDir,
        secretAccess,
        storage,
        cacheDir,
        images,
        sandbox,
        keepWorkspace: keepWorkspaces,
        clock,
        builtIns: {
          PROJECT_ID: build.projectId,
          BUILD_ID: build.id,
          PROJECT_NUMBER: projectNumberOf(build.projectId),
          LOCATION: locationOf(build),
        },
      });
      running.set(build.id, { stop, done });
      try {
        await done;
      } finally {
        running.delete(build.id);
      }
    });
  };

  const stopBuild = async (build: Build, reason: StopReason): Promise<void> => {
    const run = running.get(build.id);
    if (run) {
      run.stop.abort(reason);
      await run.done;
      return;
    }
    if (build.status !== 'QUEUED') return;
    queue.remove(build.id);
    build.status = 'CANCELLED';
    build.finishTime = clock().toISOString();
    if (reason === 'shutdown') build.statusDetail = 'The stand-in shut down';
    await store.save(build);
    notifier.notify(build);
  };

  const find = (projectId: string, id: string): ServiceResult<Build> => {
    const build = store.get(id);
    if (!build || (build.projectId !== projectId && projectNumberOf(build.projectId) !== projectId)) {
      return {
        success: false,
        code: 404,
        error: `Requested entity was not found: build "${id}" in project "${projectId}".`,
      };
    }
    return { success: true, data: build };
  };

  // Builds a previous run of the stand-in left behind: queued ones run now, running ones died with it.
  const revive = async (): Promise<void> => {
    for (const build of store.list()) {
      if (build.status === 'QUEUED') schedule(build);
      else if (!isFinalBuildStatus(build.status)) {
        build.status = 'INTERNAL_ERROR';
        build.statusDetail = 'The Cloud Build stand-in stopped while this build ran';
        build.finishTime = clock().toISOString();
        await store.save(build);
      }
    }
  };
  void revive().catch((error: unknown) => logger.error('could not resume stored builds', { error }));

  return {
    create: async (projectId, location, body) => {
      if (closing) return { success: false, code: 400, error: 'The Cloud Build stand-in is shutting down.' };
      const valid = validateBuildRequest(body);
      if (!valid.success) return { success: false, code: 400, error: valid.error };
      const { rest, steps, substitutions, options, secrets, timeout } = valid.data;
      const id = randomUUID();
      const kept = Object.fromEntries(Object.entries(rest).filter(([key]) => !OutputOnly.includes(key)));
      const build: Build = {
        ...kept,
        name: `projects/${projectNumberOf(projectId)}/locations/${location}/builds/${id}`,
        id,
        projectId,
        status: 'QUEUED',
        steps: structuredClone(steps),
        substitutions,
        options,
        ...(secrets.length > 0 ? { availableSecrets: { secretManager: secrets } } : {}),
        timeout,
        queueTtl: '3600s',
        createTime: clock().toISOString(),
        logUrl: logUrlOf(id),
      };
      await store.save(build);
      notifier.notify(build);
      logger.info('build queued', { buildId: id, projectId, steps: steps.length });
      schedule(build);
      return { success: true, data: build };
    },
    get: find,
    list: (projectId, { filter, pageSize = 50, pageToken }) => {
      const test = parseBuildFilter(filter);
      if (!test.success) return { success: false, code: 400, error: test.error };
      const matching = store.list(projectId).filter(test.data);
      const start = pageToken ? Number(pageToken) : 0;
      if (!Number.isInteger(start) || start < 0)
        return { success: false, code: 400, error: 'invalid page token' };
      const size = pageSize > 0 ? pageSize : 50;
      const end = start + size;
      return {
        success: true,
        data: { builds: matching.slice(start, end), nextPageToken: end < matching.length ? String(end) : '' },
      };
    },
    cancel: async (projectId, id) => {
      const found = find(projectId, id);
      if (!found.success) return found;
      await stopBuild(found.data, 'cancelled');
      logger.info('build cancel requested', { buildId: id, status: found.data.status });
      return found;
    },
    readLog: async (id) => {
      if (!store.get(id)) return undefined;
      return readFile(join(store.directoryOf(id), 'log.txt'), 'utf8').catch(() => '');
    },
    close: async () => {
      closing = true;
      await Promise.all(
        store
          .list()
          .filter((build) => !isFinalBuildStatus(build.status))
          .map((build) => stopBuild(build, 'shutdown')),
      );
      await queue.idle();
      await notifier.close();
    },
  };
}
