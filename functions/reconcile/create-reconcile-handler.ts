import { builderAccountOf } from '../../shared/build/name-builder-account.js';
import type { RepositoryConfig } from '../../shared/config/repository-config.js';
import type { RepositoryProvider } from '../../shared/config/repository-provider.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { BuildService } from '../../shared/ports/build-service.js';
import type { DocumentStore } from '../../shared/ports/document-store.js';
import type { JobEvents } from '../../shared/ports/job-events.js';
import type { ReleaseQueue } from '../../shared/ports/release-queue.js';
import type { UpstreamTokens } from '../../shared/ports/upstream-tokens.js';
import type { UpstreamTags } from '../../shared/upstream/upstream-tags.js';
import { mapWithLimit } from './map-with-limit.js';
import type { ReconcileReport } from './reconcile-report.js';
import { reconcileRepository } from './reconcile-repository.js';
import type { UpstreamTagCommits } from '../../shared/upstream/upstream-tag-commits.js';

export interface ReconcileDeps {
  repositories: RepositoryProvider;
  store: DocumentStore;
  /** Where each transition is announced; unset, none is. */
  events?: JobEvents | undefined;
  queue: ReleaseQueue;
  upstream: UpstreamTags;
  /** The tokens of private upstreams; without it, polling a private one fails (and is reported). */
  tokens?: UpstreamTokens;
  /** Where the commits of upstream tags are read, to notice a tag that moved; unset, drift is not looked for. */
  tagCommits?: UpstreamTagCommits | undefined;
  /** Reads the builds of stuck jobs, and starts the publish phase of one whose build phase succeeded unheard. */
  builds: Pick<BuildService, 'get' | 'start' | 'listByTag'>;
  logger: Logger;
  buildTimeoutSeconds: number;
  /** A job in flight this long without news is looked up in Cloud Build; default: the build timeout and 5 minutes. */
  stuckAfterSeconds?: number;
  maxEnqueuePerRepository?: number;
  /** Repositories handled at once, so one slow upstream does not hold up the others. */
  concurrency?: number;
  clock?: () => Date;
  projectId: string;
  /** PKGRELAY_BUILD_SERVICE_ACCOUNT: the builder account an unrecorded build phase must run as. */
  buildServiceAccount?: string | undefined;
  /** PKGRELAY_PUBLISH_SERVICE_ACCOUNT: the account publish phases run as. */
  publishServiceAccount?: string | undefined;
  /** PKGRELAY_BUILDER_IMAGE: the publish phases it starts run on it, as build-events' do. */
  builderImage?: string | undefined;
  /** Names this instance in the lease it holds while it starts a publish phase. */
  holder?: string;
  /** PKGRELAY_LEASE_SECONDS: how long that lease keeps others off. */
  leaseSeconds?: number;
}

export interface ReconcileOptions {
  /** Overrides `stuckAfterSeconds` for one run (0: look at every job in flight). */
  stuckAfterSeconds?: number;
  /** Only these repositories (as configured, case-insensitive), polled whether due or not; default all that are due. */
  repositories?: readonly string[];
  /** Who or what started this run (`pkgrelay reconcile` by a person, Cloud Scheduler): jobs it enqueues record it. */
  requestedBy?: string;
  /** Report what would be enqueued (first contact included) and write nothing. */
  dryRun?: boolean;
}

const NO_TOKENS: UpstreamTokens = {
  read: async (secret) => {
    throw new Error(`no Secret Manager is configured to read ${secret}`);
  },
};

/**
 * Reconcile: for each configured repository, settle the jobs whose final build notification never came,
 * and poll the upstreams that are due, enqueueing their tags that have no job. It never throws for one
 * repository's trouble: that goes into `errors`, and the other repositories still run.
 */
export function createReconcileHandler({
  repositories,
  tokens = NO_TOKENS,
  buildTimeoutSeconds,
  stuckAfterSeconds = buildTimeoutSeconds + 300,
  maxEnqueuePerRepository = 100,
  concurrency = 8,
  clock = () => new Date(),
  logger,
  projectId,
  buildServiceAccount,
  publishServiceAccount,
  builderImage,
  holder = `reconcile-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
  leaseSeconds = 120,
  ...ports
}: ReconcileDeps): (options?: ReconcileOptions) => Promise<ReconcileReport> {
  return async (options = {}) => {
    const wanted = options.repositories?.map((name) => name.toLowerCase());
    // A run is rare and walks every repository: it reads the list as stored now.
    const served = await repositories({ maxAgeMs: 0 });
    const chosen = served.filter((repo) => !wanted || wanted.includes(repo.repository.toLowerCase()));
    const publish = {
      // Every served repository, since a name is refused if another one configures it.
      repositories: served,
      builderAccountOf: (repo: RepositoryConfig) =>
        builderAccountOf(repo, { projectId, buildServiceAccount }),
      publishServiceAccount,
      builderImage,
      holder,
      leaseSeconds,
    };
    const deps = { ...ports, tokens, logger, buildTimeoutSeconds, maxEnqueuePerRepository, clock, publish };
    const run = {
      stuckAfterMs: (options.stuckAfterSeconds ?? stuckAfterSeconds) * 1000,
      force: wanted !== undefined,
      dryRun: options.dryRun === true,
      ...(options.requestedBy ? { requestedBy: options.requestedBy } : {}),
    };
    const parts = await mapWithLimit(chosen, concurrency, (repo) => reconcileRepository(deps, repo, run));
    const report: ReconcileReport = {
      enqueued: parts.flatMap((part) => part.enqueued),
      settled: parts.flatMap((part) => part.settled),
      drifted: parts.flatMap((part) => part.drifted),
      errors: parts.flatMap((part) => part.errors),
      polls: parts.flatMap((part) => part.polls),
      ...(run.dryRun ? { dryRun: true } : {}),
    };
    // A failed poll was logged with its backoff where it happened.
    for (const error of report.errors.filter((e) => e.stage !== 'upstream' && e.stage !== 'token'))
      logger.warn('reconcile could not finish a step', { ...error });
    logger.info('reconcile done', {
      polled: report.polls.length,
      waiting: chosen.length - report.polls.length,
      enqueued: report.enqueued.length,
      settled: report.settled.length,
      drifted: report.drifted.length,
      errors: report.errors.length,
    });
    return report;
  };
}
