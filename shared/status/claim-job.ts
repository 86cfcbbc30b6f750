import type { PackageConfig } from '../config/repository-config.js';
import type { JobId } from '../contracts/job-id.js';
import type { ReleaseRequest } from '../contracts/release-request.js';
import { blankJob } from './blank-job.js';
import { decideClaim, type ClaimDecision } from './decide-claim.js';
import type { HeldClaim } from './hold-claim.js';
import { changeJob, type JobLife } from './job-life.js';
import { leaseFrom } from './job-lease.js';
import type { JobStatus } from './job-status.js';
import { transitionJob } from './transition-job.js';

export interface ClaimRequest {
  id: JobId;
  force: boolean;
  /** The Pub/Sub message id: a redelivered forced request must not start a third run. */
  messageId: string;
  source?: ReleaseRequest['source'] | undefined;
  pkg: PackageConfig;
  version: string;
}

export interface ClaimOptions {
  holder: string;
  leaseSeconds: number;
  /** A live lease that ends within this many milliseconds is waited out, once. */
  maxLeaseWaitMs: number;
  sleep: (ms: number) => Promise<void>;
}

export type ClaimOutcome =
  | Exclude<ClaimDecision, { action: 'claim' }>
  | {
      action: 'claim';
      claim: HeldClaim;
      job: JobStatus;
      takeover: boolean;
      note: string;
      /** The attempt a forced claim replaces: its artifacts vouch for files already in the registry. */
      previous: JobStatus | undefined;
    };

/**
 * Claims the job for one attempt with compare-and-swap (new, forced, or a dead worker's): the
 * document is created or moved to queued under the holder's lease. A dead worker's lease about to
 * run out is waited out here rather than spending a delivery attempt on it.
 */
export async function claimJob(
  life: JobLife,
  request: ClaimRequest,
  options: ClaimOptions,
): Promise<ClaimOutcome> {
  let decision = { action: 'leave', reason: 'not decided' } as ClaimDecision;
  let previous: JobStatus | undefined;
  const tryClaim = () =>
    changeJob(life, request.id, (current) => {
      decision = decideClaim(current, { force: request.force, messageId: request.messageId }, life.clock());
      if (decision.action !== 'claim') return { keep: true };
      previous = decision.takeover ? undefined : current;
      return { write: claimedJob(current, request, decision, life.clock(), options) };
    });
  let claimed = await tryClaim();
  const waiting = decision as ClaimDecision;
  const left = waiting.action === 'wait' ? Date.parse(waiting.expiresAt) - life.clock().getTime() : Infinity;
  if (left <= options.maxLeaseWaitMs) {
    life.logger.info('waiting out the lease of another worker', {
      reason: waiting.action === 'wait' ? waiting.reason : '',
    });
    await options.sleep(Math.max(left, 0) + 50);
    claimed = await tryClaim();
  }
  const final = decision as ClaimDecision;
  if (final.action !== 'claim') return final;
  if (!claimed.job) return { action: 'leave', reason: 'the job document vanished after the claim' };
  const { holder, leaseSeconds } = options;
  return {
    action: 'claim',
    claim: { id: request.id, attempt: final.attempt, holder, leaseSeconds },
    job: claimed.job,
    takeover: final.takeover,
    note: final.note,
    previous,
  };
}

function claimedJob(
  current: JobStatus | undefined,
  { id, messageId, source, pkg, version }: ClaimRequest,
  claim: Extract<ClaimDecision, { action: 'claim' }>,
  now: Date,
  { holder, leaseSeconds }: ClaimOptions,
): JobStatus {
  const lease = leaseFrom(holder, now, leaseSeconds);
  if (current && claim.takeover) return transitionJob(current, 'queued', now, { lease }, claim.note);
  const replaces = current && replacedAttempt(current);
  const base = blankJob({ repository: pkg.repository, tag: id.tag }, now, {
    version,
    attempt: claim.attempt,
    ...(current ? { createdAt: current.createdAt, history: current.history } : {}),
    ...(source ? { source } : {}),
  });
  return transitionJob(
    base,
    'queued',
    now,
    {
      claimedBy: messageId,
      lease,
      ...(pkg.distributionName ? { distribution: pkg.distributionName } : {}),
      ...(pkg.name ? { package: pkg.name } : {}),
      ...(replaces ? { replaces } : {}),
    },
    replaces?.commit
      ? `${claim.note}, replacing attempt ${replaces.attempt} built from ${replaces.commit}`
      : claim.note,
  );
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
