import type { PollState } from '../status/poll-state.js';

/** Backoff of a failing upstream never waits longer than this (or its interval, when that is longer). */
export const MAX_BACKOFF_SECONDS = 3600;

/**
 * When to poll next: one interval after a success; after N failures in a row, the interval doubled N
 * times, capped, so an upstream that is down costs little and is still seen again within the hour.
 */
export function nextPollAt(now: Date, intervalSeconds: number, consecutiveFailures: number): Date {
  const cap = Math.max(intervalSeconds, MAX_BACKOFF_SECONDS);
  const seconds = Math.min(intervalSeconds * 2 ** Math.min(consecutiveFailures, 30), cap);
  return new Date(now.getTime() + seconds * 1000);
}

/**
 * Whether a repository is due. Reconcile runs on a fixed schedule, so a poll due a moment after a run
 * starts would wait a whole run more: a tenth of the interval (at most 5 s) of slack avoids that.
 */
export function isPollDue(state: PollState | undefined, now: Date, intervalSeconds: number): boolean {
  if (!state) return true;
  const slackMs = Math.min(5000, intervalSeconds * 100);
  // A shorter interval configured since the last poll takes effect at once.
  const due = Math.min(
    Date.parse(state.nextPollAt),
    state.consecutiveFailures === 0 ? Date.parse(state.lastPollAt) + intervalSeconds * 1000 : Infinity,
  );
  return now.getTime() + slackMs >= due;
}
