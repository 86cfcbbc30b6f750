import type { JobStatus } from './job-status.js';
import { isFinal } from './job-status.js';

export type ClaimDecision =
  | { action: 'claim'; attempt: number; takeover: boolean; note: string }
  | { action: 'leave'; reason: string }
  | { action: 'wait'; reason: string; expiresAt: string };

export interface ClaimRequest {
  force: boolean;
  /** The Pub/Sub message's delivery key (id@publishTime): a redelivered forced request must not start a third run. */
  messageId?: string | undefined;
}

/**
 * What a worker does with a job it was asked to run: claim it (new, forced, or a dead worker's),
 * leave it (final, or a build runs), or wait (another worker holds a live lease: retry later).
 * A takeover keeps the attempt number, so the build a dead worker may have started is found and adopted.
 */
export function decideClaim(
  current: JobStatus | undefined,
  { force, messageId }: ClaimRequest,
  now: Date,
): ClaimDecision {
  if (!current) return { action: 'claim', attempt: 1, takeover: false, note: 'claimed' };
  if (isFinal(current.state)) {
    if (!force)
      return { action: 'leave', reason: `job already ${current.state}; send "force": true to run it again` };
    if (messageId !== undefined && current.claimedBy === messageId)
      return {
        action: 'leave',
        reason: `message ${messageId} already ran attempt ${current.attempt}; this is a redelivery of it`,
      };
    return {
      action: 'claim',
      attempt: current.attempt + 1,
      takeover: false,
      note: `forced after ${current.state}`,
    };
  }
  if (current.build) return { action: 'leave', reason: `build ${current.build.id} is in flight` };
  const expiresAt = current.lease ? Date.parse(current.lease.expiresAt) : 0;
  if (expiresAt > now.getTime()) {
    return {
      action: 'wait',
      reason: `claimed by ${current.lease?.holder} until ${current.lease?.expiresAt}`,
      expiresAt: current.lease?.expiresAt ?? now.toISOString(),
    };
  }
  return {
    action: 'claim',
    attempt: current.attempt,
    takeover: true,
    note: `lease of ${current.lease?.holder ?? 'a worker'} expired; taken over`,
  };
}
