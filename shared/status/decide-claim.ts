import type { JobStatus } from './job-status.js';
import { isFinal } from './job-status.js';

export type ClaimDecision =
  | { action: 'claim'; attempt: number; note: string }
  | { action: 'leave'; reason: string }
  | { action: 'wait'; reason: string };

/**
 * What a worker does with a job it was asked to run: claim it (new, forced, or a dead worker's),
 * leave it (final, or a build runs), or wait (another worker holds a live lease: retry later).
 */
export function decideClaim(current: JobStatus | undefined, force: boolean, now: Date): ClaimDecision {
  if (!current) return { action: 'claim', attempt: 1, note: 'claimed' };
  if (isFinal(current.state)) {
    if (force)
      return { action: 'claim', attempt: current.attempt + 1, note: `forced after ${current.state}` };
    return { action: 'leave', reason: `job already ${current.state}; send "force": true to run it again` };
  }
  if (current.build) return { action: 'leave', reason: `build ${current.build.id} is in flight` };
  const expiresAt = current.lease ? Date.parse(current.lease.expiresAt) : 0;
  if (expiresAt > now.getTime()) {
    return {
      action: 'wait',
      reason: `claimed by ${current.lease?.holder} until ${current.lease?.expiresAt}`,
    };
  }
  return {
    action: 'claim',
    attempt: current.attempt + 1,
    note: `lease of ${current.lease?.holder ?? 'a worker'} expired; taken over`,
  };
}
