import type { RepositoryConfig } from '../../shared/config/repository-config.js';
import { indexObjectPath } from '../../shared/contracts/job-id.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { BuildService } from '../../shared/ports/build-service.js';
import type { DocumentStore } from '../../shared/ports/document-store.js';
import type { JobEvents } from '../../shared/ports/job-events.js';
import type { ReleaseQueue } from '../../shared/ports/release-queue.js';
import type { UpstreamTokens } from '../../shared/ports/upstream-tokens.js';
import { readDocument } from '../../shared/status/read-document.js';
import { RepositoryIndex, type IndexEntry } from '../../shared/status/repository-index.js';
import type { UpstreamTagCommits } from '../../shared/upstream/upstream-tag-commits.js';
import type { UpstreamTags } from '../../shared/upstream/upstream-tags.js';
import { enqueueMissingTags } from './enqueue-missing-tags.js';
import { pollRepository } from './poll-repository.js';
import type { ReconcileError, ReconcileReport } from './reconcile-report.js';
import { reportUpstreamDrift } from './report-upstream-drift.js';
import { settleStuckJob, type SettleDeps } from './settle-stuck-job.js';

export interface RepositoryRunDeps {
  store: DocumentStore;
  queue: ReleaseQueue;
  upstream: UpstreamTags;
  tokens: UpstreamTokens;
  events?: JobEvents | undefined;
  tagCommits?: UpstreamTagCommits | undefined;
  builds: Pick<BuildService, 'get' | 'start' | 'listByTag'>;
  logger: Logger;
  buildTimeoutSeconds: number;
  maxEnqueuePerRepository: number;
  clock: () => Date;
  /** What starting the publish phase of a stuck job needs (the run's served repositories included). */
  publish: SettleDeps['publish'];
}

export interface RepositoryRunOptions {
  stuckAfterMs: number;
  /** Poll although not due (the repository was asked for by name). */
  force: boolean;
  dryRun: boolean;
  /** Who or what started the run; the jobs it enqueues record it. */
  requestedBy?: string;
}

/** One repository's part of a reconcile run: settle its stuck jobs, then poll it if due and enqueue its new tags. */
export async function reconcileRepository(
  deps: RepositoryRunDeps,
  repo: RepositoryConfig,
  { stuckAfterMs, force, dryRun, requestedBy }: RepositoryRunOptions,
): Promise<ReconcileReport> {
  const { store, builds, buildTimeoutSeconds, clock } = deps;
  const report: ReconcileReport = { enqueued: [], settled: [], drifted: [], errors: [], polls: [] };
  const log = deps.logger.child({ repository: repo.repository });
  let index: RepositoryIndex | undefined;
  try {
    index = await readIndex(store, repo.repository);
  } catch (error) {
    report.errors.push(problem(repo.repository, 'index', error));
    return report;
  }
  const stuck = dryRun
    ? []
    : (index?.jobs ?? []).filter((entry) => isStuck(entry, clock().getTime() - stuckAfterMs));
  for (const entry of stuck) {
    try {
      const settled = await settleStuckJob(
        {
          store,
          events: deps.events,
          builds,
          buildTimeoutSeconds,
          clock,
          logger: log,
          publish: deps.publish,
        },
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
  let poll;
  try {
    poll = await pollRepository({ ...deps, logger: log }, repo, index, { force, dryRun });
  } catch (error) {
    report.errors.push(problem(repo.repository, 'poll-state', error));
    return report;
  }
  if (!poll.due) return report;
  report.polls.push(poll.report);
  if (poll.error) report.errors.push(poll.error);
  if (dryRun) return report;
  // A tag that moved or went away since its job was built: reported, never rebuilt silently.
  if (deps.tagCommits && !repo.private) {
    const drift = await reportUpstreamDrift(
      { store, events: deps.events, tagCommits: deps.tagCommits, clock, logger: log },
      repo,
      index,
    );
    report.drifted.push(...drift.drifted);
    report.errors.push(...drift.errors);
  }
  const { enqueued, errors } = await enqueueMissingTags(
    {
      ...deps,
      logger: log,
      maxPerRepository: deps.maxEnqueuePerRepository,
      ...(requestedBy ? { requestedBy } : {}),
    },
    repo.repository,
    poll.toEnqueue,
  );
  report.enqueued.push(...enqueued);
  report.errors.push(...errors);
  return report;
}

// In flight with a build, and no news for longer than the threshold.
function isStuck(entry: IndexEntry, beforeMs: number): boolean {
  const inFlight = entry.state === 'building' || (entry.state === 'queued' && entry.buildId !== undefined);
  return inFlight && entry.buildId !== undefined && Date.parse(entry.updatedAt) <= beforeMs;
}

async function readIndex(store: DocumentStore, repository: string): Promise<RepositoryIndex | undefined> {
  return readDocument(store, indexObjectPath(repository), RepositoryIndex);
}

function problem(
  repository: string,
  stage: ReconcileError['stage'],
  error: unknown,
  tag?: string,
): ReconcileError {
  return { repository, stage, message: (error as Error).message, ...(tag ? { tag } : {}) };
}
