import type { JobId } from '../contracts/job-id.js';
import { changeJob, type JobLife } from './job-life.js';
import { leaseFrom } from './job-lease.js';
import type { JobStatus } from './job-status.js';
import { updateJobDocument } from './update-job-document.js';

/** A worker's claim on one attempt of a job: held while its lease is the job's and no build is recorded. */
export interface HeldClaim {
  id: JobId;
  attempt: number;
  holder: string;
  leaseSeconds: number;
}

/** Whether the claim still holds the job: its attempt, still queued, no build, the lease its holder's. */
export function isHeld(current: JobStatus | undefined, { attempt, holder }: HeldClaim): boolean {
  return (
    current !== undefined &&
    current.attempt === attempt &&
    current.state === 'queued' &&
    !current.build &&
    current.lease?.holder === holder
  );
}

/** Applies `change` only while the claim holds the job; false when it lost it (taken over or ended). */
export async function changeWhileHeld(
  life: JobLife,
  claim: HeldClaim,
  change: (job: JobStatus) => JobStatus,
): Promise<boolean> {
  let held = false;
  await changeJob(life, claim.id, (current) => {
    held = isHeld(current, claim);
    return held && current ? { write: change(current) } : { keep: true };
  });
  return held;
}

/**
 * The fence before a build starts: a compare-and-swap of the job document alone. The lease is not
 * in the repository index, so the index sync of `updateJob` (one more read) would only keep it.
 */
export async function renewClaim(life: JobLife, claim: HeldClaim): Promise<boolean> {
  let held = false;
  await updateJobDocument(life.store, claim.id, (current) => {
    held = isHeld(current, claim);
    const now = life.clock();
    const lease = leaseFrom(claim.holder, now, claim.leaseSeconds);
    // updatedAt moves too: the job's next writer paces itself by it (one write a second per object).
    return held && current ? { write: { ...current, lease, updatedAt: now.toISOString() } } : { keep: true };
  });
  return held;
}

/** Gives the lease up at once, so a redelivery may take the job over without waiting it out. */
export async function releaseClaim(life: JobLife, claim: HeldClaim): Promise<void> {
  await changeWhileHeld(life, claim, (current) => ({
    ...current,
    lease: leaseFrom(claim.holder, life.clock(), 0),
  }));
}
