import type { Config } from '../../shared/config/load-config.js';
import { findRepository } from '../../shared/config/find-repository.js';
import { parseReleaseRequest, type ReleaseRequest } from '../../shared/contracts/release-request.js';
import { createBuildPlan } from '../../shared/build/create-build-plan.js';
import { PermanentError, TransientError, type ErrorCode } from '../../shared/errors.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { BuildService } from '../../shared/ports/build-service.js';
import type { DocumentStore } from '../../shared/ports/document-store.js';
import type { PublishedFiles } from '../../shared/ports/published-files.js';
import { readPubSubEvent, type PubSubMessage } from '../../shared/pubsub/read-pubsub-event.js';
import { decideClaim, type ClaimDecision } from '../../shared/status/decide-claim.js';
import type { JobStatus } from '../../shared/status/job-status.js';
import { transitionJob } from '../../shared/status/transition-job.js';
import { updateJob } from '../../shared/status/update-job.js';
import { versionFromTag } from '../../shared/versions/version-from-tag.js';

export type WorkerConfig = Pick<
  Config,
  | 'projectId'
  | 'repositories'
  | 'upstreamBase'
  | 'buildIsolation'
  | 'registryAuth'
  | 'buildTimeoutSeconds'
  | 'leaseSeconds'
  | 'buildServiceAccount'
> & { registryUrl: string };

export interface WorkerDeps {
  config: WorkerConfig;
  store: DocumentStore;
  builds: BuildService;
  registry: PublishedFiles;
  logger: Logger;
  clock?: () => Date;
  /** Names this instance in the leases it takes. */
  holder?: string;
}

export type WorkerOutcome =
  | { outcome: 'rejected'; reason: string }
  | { outcome: 'left'; reason: string }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'started'; buildId: string };

/**
 * The worker: one release request in, at most one build out. It throws only for what a retry can
 * fix (so Pub/Sub redelivers); everything else is recorded and acknowledged.
 */
export function createWorkerHandler({
  config,
  store,
  builds,
  registry,
  logger,
  clock = () => new Date(),
  holder = `worker-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
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
    try {
      return await run(request, log);
    } catch (error) {
      if (error instanceof PermanentError) {
        await recordFailure(request, error.code, error.message);
        log.warn('release request refused', { code: error.code, reason: error.message });
        return { outcome: 'rejected', reason: error.message };
      }
      log.error('release request will be retried', { error });
      throw error instanceof TransientError
        ? error
        : new TransientError('Unable to run the release request', error);
    }
  };

  async function run(request: ReleaseRequest, log: Logger): Promise<WorkerOutcome> {
    const repo = findRepository(config.repositories, request.repository);
    if (!repo) {
      throw new PermanentError(
        'NOT_CONFIGURED',
        `${request.repository} is not in the repositories file; add it there to let pkgrelay build it`,
      );
    }
    const decision = versionFromTag(request.tag, repo);
    if (!decision.accepted)
      throw new PermanentError('INVALID_REQUEST', `${decision.reason}; nothing to build`);
    const id = { repository: repo.repository, tag: request.tag };
    const version = decision.version.normalized;

    let claim = { action: 'leave', reason: 'not decided' } as ClaimDecision;
    const claimed = await updateJob(
      store,
      id,
      (current) => {
        claim = decideClaim(current, request.force ?? false, clock());
        if (claim.action !== 'claim') return { keep: true };
        return { write: claimedJob(current, request, repo.repository, version, claim.attempt, claim.note) };
      },
      clock,
    );
    if (claim.action === 'wait') throw new TransientError(`Job is in flight elsewhere`, claim.reason);
    if (claim.action === 'leave' || !claimed.job) {
      const reason = claim.action === 'leave' ? claim.reason : 'the job document vanished after the claim';
      log.info('release request acknowledged without a build', { reason });
      return { outcome: 'left', reason };
    }
    const job = claimed.job;

    const name = repo.distributionName ?? repo.repository.split('/')[1] ?? repo.repository;
    const files = await registry.list(name, version).catch((error: unknown) => {
      throw new TransientError(`Unable to ask the registry for ${name} ${version}`, error);
    });
    if (files.some((file) => file.endsWith('.whl')) && files.some((file) => file.endsWith('.tar.gz'))) {
      const reason = `${name} ${version} is already in the registry (${files.join(', ')}); no build ran`;
      await settle(id, job.attempt, (current) =>
        transitionJob(current, 'skipped', clock(), { reason }, reason),
      );
      log.info('job skipped', { reason });
      return { outcome: 'skipped', reason };
    }

    const plan = createBuildPlan({
      projectId: config.projectId,
      repository: repo.repository,
      tag: request.tag,
      version,
      attempt: job.attempt,
      repo,
      upstreamBase: config.upstreamBase,
      registryUrl: config.registryUrl,
      isolation: config.buildIsolation,
      registryAuth: config.registryAuth,
      timeoutSeconds: config.buildTimeoutSeconds,
      serviceAccount: config.buildServiceAccount,
    });
    const build = await builds.start(plan).catch((error: unknown) => {
      throw new TransientError('Unable to start the Cloud Build', error);
    });
    await settle(id, job.attempt, (current) => {
      const { lease: _lease, ...rest } = current;
      return current.build
        ? current
        : {
            ...rest,
            build: { id: build.id, ...(build.logUrl ? { logUrl: build.logUrl } : {}) },
            updatedAt: clock().toISOString(),
          };
    });
    log.info('build started', { buildId: build.id, attempt: job.attempt });
    return { outcome: 'started', buildId: build.id };
  }

  /** Applies `change` to the job if it is still this attempt's and not final; a newer attempt wins. */
  async function settle(
    id: { repository: string; tag: string },
    attempt: number,
    change: (job: JobStatus) => JobStatus,
  ) {
    await updateJob(
      store,
      id,
      (current) =>
        current && current.attempt === attempt && !current.build
          ? { write: change(current) }
          : { keep: true },
      clock,
    );
  }

  function claimedJob(
    current: JobStatus | undefined,
    request: ReleaseRequest,
    repository: string,
    version: string,
    attempt: number,
    note: string,
  ): JobStatus {
    const now = clock();
    const base: JobStatus = {
      schemaVersion: 1,
      repository,
      tag: request.tag,
      version,
      state: 'queued',
      attempt,
      createdAt: current?.createdAt ?? now.toISOString(),
      updatedAt: now.toISOString(),
      artifacts: [],
      history: current?.history ?? [],
      ...(request.source ? { source: request.source } : {}),
    };
    const distribution = config.repositories.find((repo) => repo.repository === repository)?.distributionName;
    return transitionJob(
      base,
      'queued',
      now,
      {
        attempt,
        lease: { holder, expiresAt: new Date(now.getTime() + config.leaseSeconds * 1000).toISOString() },
        ...(distribution ? { distribution } : {}),
      },
      note,
    );
  }

  async function recordFailure(request: ReleaseRequest, code: ErrorCode, message: string): Promise<void> {
    const id = { repository: request.repository, tag: request.tag };
    await updateJob(
      store,
      id,
      (current) => {
        if (current && current.state !== 'failed') return { keep: true };
        const now = clock();
        const base: JobStatus = current ?? {
          schemaVersion: 1,
          repository: request.repository,
          tag: request.tag,
          version: '',
          state: 'failed',
          attempt: 1,
          createdAt: now.toISOString(),
          updatedAt: now.toISOString(),
          artifacts: [],
          history: [],
          ...(request.source ? { source: request.source } : {}),
        };
        return { write: transitionJob(base, 'failed', now, { error: { code, message } }, message) };
      },
      clock,
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
    await store
      .write(`rejected/${encodeURIComponent(messageId)}.json`, record, { ifGenerationMatch: '0' })
      .catch((error: unknown) => {
        throw new TransientError('Unable to record a malformed release request', error);
      });
    logger.warn('malformed release request recorded and acknowledged', { messageId, reason });
    return { outcome: 'rejected', reason };
  }
}
