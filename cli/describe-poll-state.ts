import type { PollState } from '../shared/status/poll-state.js';
import { formatAge } from './format-table.js';

/** One or two lines on how reconcile polls a repository's upstream: fine, or failing and when it tries again. */
export function describePollState(state: PollState, now = Date.now()): string {
  const nextIn = Math.max(0, Math.round((Date.parse(state.nextPollAt) - now) / 1000));
  const next = nextIn < 90 ? `${nextIn} s` : `${Math.round(nextIn / 60)} min`;
  if (state.consecutiveFailures === 0)
    return `Upstream polled ${formatAge(state.lastPollAt, now)}: ${state.upstreamTags ?? 0} tags; next poll in ${next}`;
  const since = state.lastSuccessAt ? `last success ${formatAge(state.lastSuccessAt, now)}` : 'never listed';
  return [
    `Upstream FAILING: ${state.consecutiveFailures} poll(s) in a row (${since}); retried with backoff in ${next}`,
    `  ${state.lastError?.stage ?? 'upstream'}: ${state.lastError?.message ?? 'unknown error'}`,
  ].join('\n');
}
