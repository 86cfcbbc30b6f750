import { expect } from 'vitest';
import type { JobState, JobStatus } from '../../shared/status/job-status.js';

const RANK: Record<JobState, number> = { queued: 0, building: 1, published: 2, skipped: 2, failed: 2 };

/** States only move forward within an attempt: queued (again on a takeover) → building → one final state, last. */
export function expectForwardOnly(states: readonly JobState[], label: string): void {
  const ranks = states.map((state) => RANK[state]);
  const backwards = ranks.findIndex((rank, index) => index > 0 && rank < (ranks[index - 1] ?? 0));
  expect(backwards, `${label}: ${states.join(' → ')} goes backwards`).toBe(-1);
  expect(
    ranks.filter((rank) => rank === 2).length,
    `${label}: ${states.join(' → ')} must end once, in its last state`,
  ).toBe(1);
  expect(RANK[states.at(-1) ?? 'queued'], `${label}: ${states.join(' → ')}`).toBe(2);
}

/** The job's recorded history of its current attempt: forward only, ending in `final`. */
export function expectHistoryEnds(job: JobStatus, final: JobState): void {
  const states = job.history.filter((entry) => entry.attempt === job.attempt).map((entry) => entry.state);
  expectForwardOnly(states, `${job.tag} history`);
  expect(job.state, `${job.tag}: ${JSON.stringify(job.error ?? job.reason ?? '')}`).toBe(final);
}
