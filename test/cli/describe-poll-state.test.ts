import { describe, expect, it } from 'vitest';
import { describePollState } from '../../cli/describe-poll-state.js';
import type { PollState } from '../../shared/status/poll-state.js';

const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const state = (extra: Partial<PollState>): PollState => ({
  schemaVersion: 1,
  repository: 'vendor/sdk',
  intervalSeconds: 300,
  lastPollAt: '2026-12-01T11:59:20.000Z',
  consecutiveFailures: 0,
  nextPollAt: '2026-12-01T12:04:20.000Z',
  ...extra,
});

describe('describePollState', () => {
  it('says when a healthy upstream was polled and when it is polled next', () => {
    expect(describePollState(state({ upstreamTags: 14 }), NOW)).toBe(
      'Upstream polled 40 s ago: 14 tags; next poll in 4 min',
    );
  });

  it('says a failing upstream is failing, since when, why, and when it is tried again', () => {
    const failing = state({
      consecutiveFailures: 3,
      lastSuccessAt: '2026-12-01T10:00:00.000Z',
      nextPollAt: '2026-12-01T12:00:40.000Z',
      lastError: { at: '2026-12-01T11:59:20.000Z', stage: 'token', message: 'Secret gone not found' },
    });
    expect(describePollState(failing, NOW)).toBe(
      'Upstream FAILING: 3 poll(s) in a row (last success 2 h ago); retried with backoff in 40 s\n' +
        '  token: Secret gone not found',
    );
  });
});
