import type { RepositoryConfig } from '../../shared/config/repository-config.js';
import { indexObjectPath } from '../../shared/contracts/job-id.js';
import { UnreadableDocumentError } from '../../shared/errors.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { BuildService } from '../../shared/ports/build-service.js';
import type { DocumentStore } from '../../shared/ports/document-store.js';
import type { ReleaseQueue } from '../../shared/ports/release-queue.js';
import { describeIssues } from '../../shared/status/describe-issues.js';
import { RepositoryIndex, type IndexEntry } from '../../shared/status/repository-index.js';
import type { UpstreamTags } from '../../shared/upstream/upstream-tags.js';
import { enqueueMissingTags } from './enqueue-missing-tags.js';
import type { ReconcileError, ReconcileReport } from './reconcile-report.js';
import { settleStuckJob } from './settle-stuck-job.js';

export interface ReconcileDeps {
  repositories: readonly RepositoryConfig[];
  store: DocumentStore;
  queue: ReleaseQueue;
  upstream: UpstreamTags;
  builds: Pick<BuildService, 'get'>;
  logger: Logger;
  buildTimeoutSeconds: number;
  /** A job in flight this long without news is looked up in Cloud Build; default: the build timeout and 5 minutes. */
  stuckAfterSeconds?: number;
  maxEnqueuePerRepository?: number;
  clock?: () => Date;
}

export interface ReconcileOptions {
  /** Overrides `stuckAfterSeconds` for one run (0: look at every job in flight). */
  stuckAfterSeconds?: number;
  /** Only these repositories (as configured, case-insensitive); default all. */
  repositories?: readonly string[];
  /** Who or what started this run (`pkgrelay reconcile` by a person, Cloud Scheduler): jobs it enqueues record it. */
  requestedBy?: string;
}

/**
 * Reconcile: for each configured repository, enqueue the upstream tags that have no job, and settle
 * the jobs whose final build notification never came by asking Cloud Build. It never throws for one
 * repository's trouble: that goes into `errors`, and the other repositories still run.
 */
export function createReconcileHandler({
  repositories,
  store,
  queue,
  upstream,
  builds,
  logger,
  buildTimeoutSeconds,
  stuckAfterSeconds = buildTimeoutSeconds + 300,
  maxEnqueuePerRepository = 100,
  clock = () => new Date(),
}: ReconcileDeps): (options?: ReconcileOptions) => Promise<ReconcileReport> {
  return async (options = {}) => {
    const report: ReconcileReport = { enqueued: [], settled: [], errors: [] };
    const wanted = options.repositories?.map((name) => name.toLowerCase());
    const stuckAfterMs = (options.stuckAfterSeconds ?? stuckAfterSeconds) * 1000;
    for (const repo of repositories) {
      if (wanted && !wanted.includes(repo.repository.toLowerCase())) continue;
      const log = logger.child({ repository: repo.repository });
      let index: RepositoryIndex | undefined;
      try {
        index = await readIndex(store, repo.repository);
      } catch (error) {
        report.errors.push({
          repository: repo.repository,
          stage: 'index',
          message: (error as Error).message,
        });
        continue;
      }
      const stuck = (index?.jobs ?? []).filter((entry) => isStuck(entry, clock().getTime() - stuckAfterMs));
      for (const entry of stuck) {
        try {
          const settled = await settleStuckJob(
            { store, builds, buildTimeoutSeconds, clock, logger: log },
            { repository: repo.repository, tag: entry.tag },
            { attempt: entry.attempt, state: entry.state, buildId: entry.buildId ?? '' },
          );
          if (settled) {
            report.settled.push(settled);
            log.info('stuck job settled from its build', { ...settled });
          }
        } catch (error) {
          report.errors.push(problem(repo.repository, 'settle', error, entry.tag));
        }
      }
      if (repo.private) {
        log.info('private upstream: its tags are not listed without a token', {});
        continue;
      }
      const { enqueued, errors } = await enqueueMissingTags(
        {
          store,
          queue,
          upstream,
          logger: log,
          clock,
          maxPerRepository: maxEnqueuePerRepository,
          ...(options.requestedBy ? { requestedBy: options.requestedBy } : {}),
        },
        repo,
        index,
      );
      report.enqueued.push(...enqueued);
      report.errors.push(...errors);
    }
    for (const error of report.errors) logger.warn('reconcile could not finish a step', { ...error });
    logger.info('reconcile done', {
      enqueued: report.enqueued.length,
      settled: report.settled.length,
      errors: report.errors.length,
    });
    return report;
  };
}

// In flight with a build, and no news for longer than the threshold.
function isStuck(entry: IndexEntry, beforeMs: number): boolean {
  const inFlight = entry.state === 'building' || (entry.state === 'queued' && entry.buildId !== undefined);
  return inFlight && entry.buildId !== undefined && Date.parse(entry.updatedAt) <= beforeMs;
}

async function readIndex(store: DocumentStore, repository: string): Promise<RepositoryIndex | undefined> {
  const stored = await store.read(indexObjectPath(repository));
  if (!stored) return undefined;
  const parsed = RepositoryIndex.safeParse(stored.data);
  if (!parsed.success)
    throw new UnreadableDocumentError(
      indexObjectPath(repository),
      stored.problem ?? describeIssues(parsed.error),
    );
  return parsed.data;
}

function problem(
  repository: string,
  stage: ReconcileError['stage'],
  error: unknown,
  tag?: string,
): ReconcileError {
  return { repository, stage, message: (error as Error).message, ...(tag ? { tag } : {}) };
}
