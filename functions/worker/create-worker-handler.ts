import { randomUUID } from 'node:crypto';
import type { Config } from '../../shared/config/load-config.js';
import type { RepositoryProvider } from '../../shared/config/repository-provider.js';
import { parseReleaseRequest, type ReleaseRequest } from '../../shared/contracts/release-request.js';
import { PermanentError, TransientError, UnreadableDocumentError } from '../../shared/errors.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { BuildService } from '../../shared/ports/build-service.js';
import type { DocumentStore } from '../../shared/ports/document-store.js';
import type { JobEvents } from '../../shared/ports/job-events.js';
import type { PublishedFiles } from '../../shared/ports/published-files.js';
import { readPubSubEvent } from '../../shared/pubsub/read-pubsub-event.js';
import { failJob } from '../../shared/status/fail-job.js';
import { releaseClaim, type HeldClaim } from '../../shared/status/hold-claim.js';
import type { JobLife } from '../../shared/status/job-life.js';
import { recordRejectedRequest } from './record-rejected-request.js';
import { runReleaseRequest } from './run-release-request.js';

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

/**
 * The worker: one release request in, at most one build out. It throws only for what a retry can
 * fix (so Pub/Sub redelivers); everything else is recorded and acknowledged.
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
    const rejecting = { store, logger, clock };
    if (!message)
      return recordRejectedRequest(rejecting, undefined, 'the CloudEvent carries no Pub/Sub message');
    const parsed = parseReleaseRequest(message.data);
    if (!parsed.success) return recordRejectedRequest(rejecting, message, parsed.error);
    const request = parsed.data;
    const log = logger.child({
      repository: request.repository,
      tag: request.tag,
      messageId: message.messageId,
    });
    const life: JobLife = { store, events, clock, logger: log };
    let claim: HeldClaim | undefined;
    const run = { life, config, repositories, builds, registry, newStagingId };
    const claiming = { holder, maxLeaseWaitMs, sleep };
    try {
      return await runReleaseRequest(
        { ...run, claiming, onClaim: (held) => (claim = held) },
        request,
        message.messageId,
      );
    } catch (error) {
      // A retry cannot read it either: the job is left as it is, for a person to look at.
      if (error instanceof UnreadableDocumentError) return leaveUnreadable(error, log);
      if (error instanceof PermanentError) return refuse(life, request, error);
      // The redelivery may take the job over at once instead of waiting out this worker's lease.
      if (claim) await releaseClaim(life, claim).catch(() => {});
      log.error('release request will be retried', { error });
      throw error instanceof TransientError
        ? error
        : new TransientError('Unable to run the release request', error);
    }
  };
}

/** A request that can never run: recorded as a failed job where none is, and acknowledged. */
async function refuse(life: JobLife, request: ReleaseRequest, error: PermanentError): Promise<WorkerOutcome> {
  const message = error.message;
  try {
    await failJob(
      life,
      request,
      { code: error.code, message },
      {
        // A job that exists keeps its own story; a refused request only writes where nothing is.
        leave: (current) =>
          current && (current.state !== 'failed' || current.error?.message === message)
            ? 'the job exists'
            : '',
        blank: request.source ? { source: request.source } : {},
      },
    );
  } catch (failure) {
    if (failure instanceof UnreadableDocumentError) return leaveUnreadable(failure, life.logger);
    throw failure;
  }
  life.logger.warn('release request refused', { code: error.code, reason: message });
  return { outcome: 'rejected', reason: message };
}

function leaveUnreadable(error: UnreadableDocumentError, log: Logger): WorkerOutcome {
  log.error('job left alone: its status document is unreadable', {
    path: error.path,
    problem: error.problem,
  });
  return { outcome: 'left', reason: error.message };
}
