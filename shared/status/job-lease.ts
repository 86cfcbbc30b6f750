import type { JobStatus } from './job-status.js';

export type JobLease = NonNullable<JobStatus['lease']>;

/** A lease for `holder` that ends `seconds` after `now`. */
export function leaseFrom(holder: string, now: Date, seconds: number): JobLease {
  return { holder, expiresAt: new Date(now.getTime() + seconds * 1000).toISOString() };
}

/** Whether a lease still keeps others off the job at `now`. */
export function isLeaseLive(lease: JobLease | undefined, now: Date): lease is JobLease {
  return lease !== undefined && Date.parse(lease.expiresAt) > now.getTime();
}
