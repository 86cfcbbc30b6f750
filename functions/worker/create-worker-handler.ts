import { randomUUID } from 'node:crypto';
import type { Config } from '../../shared/config/load-config.js';
import { findRepository } from '../../shared/config/find-repository.js';
import { listRepositoriesServing } from '../../shared/config/list-repositories-serving.js';
import type { RepositoryProvider } from '../../shared/config/repository-provider.js';
import type { PackageConfig } from '../../shared/config/repository-config.js';
import { resolvePackage } from '../../shared/config/resolve-package.js';
import type { JobId } from '../../shared/contracts/job-id.js';
import { parseReleaseRequest, type ReleaseRequest } from '../../shared/contracts/release-request.js';
import { createBuildPlan } from '../../shared/build/create-build-plan.js';
import { builderAccountOf } from '../../shared/build/name-builder-account.js';
import { describeBuildOutcome } from '../../shared/build/describe-build-outcome.js';
import {
  PermanentError,
  TransientError,
  UnreadableDocumentError,
  type ErrorCode,
} from '../../shared/errors.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { BuildService } from '../../shared/ports/build-service.js';
import type { DocumentStore } from '../../shared/ports/document-store.js';
import type { JobEvents } from '../../shared/ports/job-events.js';
import type { PublishedFiles } from '../../shared/ports/published-files.js';
import { readPubSubEvent, type PubSubMessage } from '../../shared/pubsub/read-pubsub-event.js';
import { applyBuildOutcome } from '../../shared/status/apply-build-outcome.js';
import { decideClaim, type ClaimDecision } from '../../shared/status/decide-claim.js';
import { isFinal, type JobStatus } from '../../shared/status/job-status.js';
import { blankJob } from '../../shared/status/blank-job.js';
import { findRecordedFiles } from '../../shared/status/find-recorded-files.js';
import { judgeExistingFiles } from '../../shared/status/judge-existing-files.js';
import { transitionJob } from '../../shared/status/transition-job.js';
import { updateJobDocument } from '../../shared/status/update-job-document.js';
import { updateAnnouncedJob } from '../../shared/status/update-announced-job.js';
import { findAttemptBuild } from './find-attempt-build.js';

export type WorkerConfig = Pick<
  Config,
  | 'projectId'
  | 'upstreamBase'
  | 'buildIsolation'
  | 'registryAuth'
  | 'buildTimeoutSeconds'
  | 'leaseSeconds'
  | 'buildServiceAccount'
> &
  Partial<Pick<Config, 'builderImage'>> & {
    registryUrl: string;
    /** PKGRELAY_STAGING_BUCKET: where each build phase leaves its archive for the publish phase. */
    stagingBucket: string;
  };

export interface WorkerDeps {
  config: WorkerConfig;
  repositories: RepositoryProvider;
  store: DocumentStore;
  builds: BuildService;
  registry: PublishedFiles;
  /** Where each transition is announced; unset, none is. */
  events?: JobEvents | undefined;
  logger: Logger;
  clock?: () => Date;
  /** Names this instance in the leases it takes. */
  holder?: string;
  /** A live lease that ends within this many milliseconds is waited out in the request, once. */
  maxLeaseWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Names each attempt's staging folder. */
  newStagingId?: () => string;
}

export type WorkerOutcome =
  | { outcome: 'rejected'; reason: string }
  | { outcome: 'left'; reason: string }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'adopted'; buildId: string }
  | { outcome: 'started'; buildId: string };

interface Claim {
  id: JobId;
  attempt: number;
}

/**
 * The worker: one release request in, at most one build out. It throws only for what a retry can
 * fix (so Pub/Sub redelivers); everything else is recorded and acknowledged. Every write after the
 * claim is a compare-and-swap that checks this worker still holds the job, so a worker that lost
 * its lease never starts a build.
 */
export function createWorkerHandler({
  config,
  repositories,
  store,
  builds,
  registry,
  events,
  logger,
  clock = () => new Date(),
  holder = `worker-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
  maxLeaseWaitMs = 15_000,
  sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  newStagingId = () => randomUUID(),
}: WorkerDeps): (event: { id?: string; data?: unknown }) => Promise<WorkerOutcome> {
  return async (event) => {
    const message = readPubSubEvent(event);
    if (!message) return reject(undefined, 'the CloudEvent carries no Pub/Sub message');
    const parsed = parseReleaseRequest(message.data);
    if (!parsed.success) return reject(message, parsed.error);
    const request = parsed.data;
    const log = logger.child({
      repository: request.repository,
      tag: request.tag,
      messageId: message.messageId,
    });
    let claim: Claim | undefined;
    try {
      return await run(request, message.messageId, log, (held) => (claim = held));
    } catch (error) {
      // A retry cannot read it either: the job is left as it is, for a person to look at.
      if (error instanceof UnreadableDocumentError) return leaveUnreadable(error, log);
      if (error instanceof PermanentError) {
        const unreadable = await recordFailure(request, error.code, error.message).then(
          () => undefined,
          (failure: unknown) => {
            if (failure instanceof UnreadableDocumentError) return failure;
            throw failure;
          },
        );
        if (unreadable) return leaveUnreadable(unreadable, log);
        log.warn('release request refused', { code: error.code, reason: error.message });
        return { outcome: 'rejected', reason: error.message };
      }
      // The redelivery may take the job over at once instead of waiting out this worker's lease.
      if (claim) await releaseLease(claim).catch(() => {});
      log.error('release request will be retried', { error });
      throw error instanceof TransientError
        ? error
        : new TransientError('Unable to run the release request', error);
    }
  };

  async function run(
    request: ReleaseRequest,
    messageId: string,
    log: Logger,
    onClaim: (claim: Claim) => void,
  ): Promise<WorkerOutcome> {
    // Refused only by a list read now: the webhook may have seen an addition this instance has not.
    const served = await listRepositoriesServing(repositories, request.repository, 0);
    const repo = findRepository(served, request.repository);
    if (!repo) {
      throw new PermanentError(
        'NOT_CONFIGURED',
        `${request.repository} is not in the served repositories; add it (pkgrelay repositories add) to let pkgrelay build it`,
      );
    }
    const resolved = resolvePackage(repo, request.tag);
    if (!resolved.success) throw new PermanentError('INVALID_REQUEST', `${resolved.error}; nothing to build`);
    const pkg = resolved.data.package;
    const id = { repository: repo.repository, tag: request.tag };
    const version = resolved.data.version.normalized;

    let claim = { action: 'leave', reason: 'not decided' } as ClaimDecision;
    // The attempt a forced claim replaces: its artifacts vouch for files already in the registry.
    let previous: JobStatus | undefined;
    const tryClaim = () =>
      updateAnnouncedJob(
        store,
        events,
        id,
        (current) => {
          claim = decideClaim(current, { force: request.force ?? false, messageId }, clock());
          if (claim.action !== 'claim') return { keep: true };
          previous = claim.takeover ? undefined : current;
          return { write: claimedJob(current, request, messageId, pkg, version, claim) };
        },
        clock,
        logger,
      );
    let claimed = await tryClaim();
    const left = claim.action === 'wait' ? Date.parse(claim.expiresAt) - clock().getTime() : Infinity;
    if (left <= maxLeaseWaitMs) {
      // A dead worker's lease about to run out is waited out here rather than spending a delivery attempt on it.
      log.info('waiting out the lease of another worker', {
        reason: claim.action === 'wait' ? claim.reason : '',
      });
      await sleep(Math.max(left, 0) + 50);
      claimed = await tryClaim();
    }
    if (claim.action === 'wait') throw new TransientError('The job is in flight elsewhere', claim.reason);
    if (claim.action === 'leave' || !claimed.job) {
      const reason = claim.action === 'leave' ? claim.reason : 'the job document vanished after the claim';
      log.info('release request acknowledged without a build', { reason });
      return { outcome: 'left', reason };
    }
    const held: Claim = { id, attempt: claim.attempt };
    onClaim(held);
    log.info('job claimed', { attempt: held.attempt, note: claim.note });

    const name = expectedName(pkg);
    const files = await registry.list(name, version).catch((error: unknown) => {
      throw new TransientError(`Unable to ask the registry for ${name} ${version}`, error);
    });
    const has = (suffix: string): boolean => files.some((file) => file.filename.endsWith(suffix));
    if (has('.whl') && has('.tar.gz')) {
      const recorded = await findRecordedFiles(store, repo.repository, version, previous ? [previous] : []);
      const judged = judgeExistingFiles(name, version, files, recorded);
      const reason = judged.reason + describeMovedTag(claimed.job.replaces);
      const done = await whileHeld(held, (current) => {
        const { lease: _lease, ...job } = current;
        return transitionJob(
          job,
          'skipped',
          clock(),
          { reason, existingFiles: judged.existingFiles },
          reason,
        );
      });
      if (!done) return lost(held, log);
      log.info('job skipped', { reason });
      return { outcome: 'skipped', reason };
    }

    // A private repository's build phase runs as its own account, which may read only its token.
    const builder = builderAccountOf(repo, config);
    const plan = createBuildPlan({
      projectId: config.projectId,
      repository: repo.repository,
      tag: request.tag,
      version,
      attempt: held.attempt,
      repo: pkg,
      upstreamBase: config.upstreamBase,
      registryUrl: config.registryUrl,
      isolation: config.buildIsolation,
      registryAuth: config.registryAuth,
      timeoutSeconds: config.buildTimeoutSeconds,
      serviceAccount: builder,
      // A version published before, or with files in the registry: a build may only come from that same commit.
      expectCommit:
        claimed.job.replaces?.publishedFrom ?? (files.length > 0 ? claimed.job.replaces?.commit : undefined),
      // Unguessable: no other build can plant an archive where this attempt's publish phase will look.
      stagingLocation: `gs://${config.stagingBucket}/staging/${newStagingId()}/`,
      builderImage: config.builderImage,
    });
    if (claim.takeover) {
      // The worker before this one may have died between creating its build and recording it.
      const origin = { serviceAccount: builder };
      const existing = await findAttemptBuild(builds, id, held.attempt, origin, log).catch(
        (error: unknown) => {
          throw new TransientError('Unable to look for a build of this attempt', error);
        },
      );
      if (existing) {
        const outcome = describeBuildOutcome(existing, config.buildTimeoutSeconds);
        const adopted = await whileHeld(held, (current) =>
          applyBuildOutcome(
            current,
            existing,
            outcome.state === 'unknown' ? { state: 'building' } : outcome,
            clock(),
          ),
        );
        if (!adopted) return lost(held, log);
        log.info('build of a dead worker adopted', { buildId: existing.buildId, status: existing.status });
        return { outcome: 'adopted', buildId: existing.buildId };
      }
    }

    // Renewed right before the build starts: a worker whose lease was taken over stops here.
    if (!(await renewLease(held))) return lost(held, log);
    const build = await builds.start(plan).catch((error: unknown) => {
      throw new TransientError('Unable to start the Cloud Build', error);
    });
    let recorded = '';
    await updateAnnouncedJob(
      store,
      events,
      id,
      (current) => {
        recorded = current?.build?.id ?? '';
        if (!current || current.attempt !== held.attempt || isFinal(current.state) || current.build)
          return { keep: true };
        const { lease: _lease, ...rest } = current;
        return {
          write: {
            ...rest,
            build: { id: build.id, ...(build.logUrl ? { logUrl: build.logUrl } : {}) },
            updatedAt: clock().toISOString(),
          },
        };
      },
      clock,
      logger,
    );
    if (recorded && recorded !== build.id)
      log.error('a second build runs for this attempt', { buildId: build.id, recorded });
    log.info('build started', { buildId: build.id, attempt: held.attempt });
    return { outcome: 'started', buildId: build.id };
  }

  /** Applies `change` only while this worker still holds the claim; false when it lost it. */
  async function whileHeld({ id, attempt }: Claim, change: (job: JobStatus) => JobStatus): Promise<boolean> {
    let held = false;
    await updateAnnouncedJob(
      store,
      events,
      id,
      (current) => {
        held = isHeld(current, attempt);
        return held && current ? { write: change(current) } : { keep: true };
      },
      clock,
      logger,
    );
    return held;
  }

  /**
   * The fence before `builds.start`: a compare-and-swap of the job document alone. The lease is not
   * in the repository index, so the index sync of `updateJob` (one more read) would only keep it.
   */
  async function renewLease({ id, attempt }: Claim): Promise<boolean> {
    let held = false;
    await updateJobDocument(store, id, (current) => {
      held = isHeld(current, attempt);
      const now = clock();
      // updatedAt moves too: the job's next writer paces itself by it (one write a second per object).
      return held && current
        ? { write: { ...current, lease: leaseFrom(now), updatedAt: now.toISOString() } }
        : { keep: true };
    });
    return held;
  }

  function isHeld(current: JobStatus | undefined, attempt: number): boolean {
    return (
      current !== undefined &&
      current.attempt === attempt &&
      current.state === 'queued' &&
      !current.build &&
      current.lease?.holder === holder
    );
  }

  async function releaseLease(claim: Claim): Promise<void> {
    await whileHeld(claim, (current) => ({
      ...current,
      lease: { holder, expiresAt: clock().toISOString() },
    }));
  }

  function leaveUnreadable(error: UnreadableDocumentError, log: Logger): WorkerOutcome {
    log.error('job left alone: its status document is unreadable', {
      path: error.path,
      problem: error.problem,
    });
    return { outcome: 'left', reason: error.message };
  }

  function lost({ attempt }: Claim, log: Logger): WorkerOutcome {
    const reason = `attempt ${attempt} was taken over or ended while this worker held it; it leaves the job alone`;
    log.warn('claim lost', { reason });
    return { outcome: 'left', reason };
  }

  function leaseFrom(now: Date): { holder: string; expiresAt: string } {
    return { holder, expiresAt: new Date(now.getTime() + config.leaseSeconds * 1000).toISOString() };
  }

  function claimedJob(
    current: JobStatus | undefined,
    request: ReleaseRequest,
    messageId: string,
    pkg: PackageConfig,
    version: string,
    claim: Extract<ClaimDecision, { action: 'claim' }>,
  ): JobStatus {
    const now = clock();
    if (current && claim.takeover) {
      return transitionJob(current, 'queued', now, { lease: leaseFrom(now) }, claim.note);
    }
    const replaces = current && replacedAttempt(current);
    const base = blankJob({ repository: pkg.repository, tag: request.tag }, now, {
      version,
      attempt: claim.attempt,
      ...(current ? { createdAt: current.createdAt, history: current.history } : {}),
      ...(request.source ? { source: request.source } : {}),
    });
    return transitionJob(
      base,
      'queued',
      now,
      {
        claimedBy: messageId,
        lease: leaseFrom(now),
        ...(pkg.distributionName ? { distribution: pkg.distributionName } : {}),
        ...(pkg.name ? { package: pkg.name } : {}),
        ...(replaces ? { replaces } : {}),
      },
      replaces?.commit
        ? `${claim.note}, replacing attempt ${replaces.attempt} built from ${replaces.commit}`
        : claim.note,
    );
  }

  async function recordFailure(request: ReleaseRequest, code: ErrorCode, message: string): Promise<void> {
    const id = { repository: request.repository, tag: request.tag };
    await updateAnnouncedJob(
      store,
      events,
      id,
      (current) => {
        // A job that exists keeps its own story; a refused request only writes where nothing is.
        if (current && (current.state !== 'failed' || current.error?.message === message))
          return { keep: true };
        const now = clock();
        const base =
          current ??
          blankJob(request, now, { state: 'failed', ...(request.source ? { source: request.source } : {}) });
        return { write: transitionJob(base, 'failed', now, { error: { code, message } }, message) };
      },
      clock,
      logger,
    );
  }

  async function reject(message: PubSubMessage | undefined, reason: string): Promise<WorkerOutcome> {
    const messageId = message?.messageId ?? `unknown-${clock().getTime()}`;
    const record = {
      messageId,
      receivedAt: clock().toISOString(),
      reason,
      attributes: message?.attributes ?? {},
      data: message?.data.toString('utf8').slice(0, 10_000),
    };
    // Recorded before the acknowledgement, so a malformed message is never lost silently.
    const written = await store
      .write(`rejected/${encodeURIComponent(messageId)}.json`, record, { ifGenerationMatch: '0' })
      .catch((error: unknown) => {
        throw new TransientError('Unable to record a malformed release request', error);
      });
    if (!written.written) logger.info('malformed release request already recorded', { messageId });
    logger.warn('malformed release request recorded and acknowledged', { messageId, reason });
    return { outcome: 'rejected', reason };
  }
}

// What a forced run replaces: the last attempt, with the last commit any attempt was built from.
function replacedAttempt(current: JobStatus): NonNullable<JobStatus['replaces']> {
  const commit = current.upstream?.commit ?? current.replaces?.commit;
  const drift = current.drift ?? current.replaces?.drift;
  const ended = current.state === 'published' || current.state === 'skipped';
  const publishedFrom = ended ? current.upstream?.commit : current.replaces?.publishedFrom;
  return {
    attempt: current.attempt,
    state: current.state,
    ...(commit ? { commit } : {}),
    ...(publishedFrom ? { publishedFrom } : {}),
    ...(drift ? { drift } : {}),
  };
}

function describeMovedTag(replaces: JobStatus['replaces']): string {
  const drift = replaces?.drift;
  if (!drift) return '';
  const now = drift.kind === 'moved' ? `now points at ${drift.upstreamCommit}` : 'was deleted upstream';
  return `; the tag ${now} but ${drift.recordedCommit} was built: the version is not rebuilt, tag a new one`;
}

// The name the registry is asked about before a build: the configured one, else a guess (a package of several: its folder's).
function expectedName(pkg: PackageConfig): string {
  const folder = pkg.name === undefined ? undefined : pkg.subdirectory.split('/').filter(Boolean).pop();
  return pkg.distributionName ?? folder ?? pkg.repository.split('/')[1] ?? pkg.repository;
}
