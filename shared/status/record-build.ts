import type { StartedBuild } from '../ports/build-service.js';
import type { HeldClaim } from './hold-claim.js';
import { changeJob, withoutLease, type JobLife } from './job-life.js';
import { isFinal } from './job-status.js';

/**
 * Records the build a claim started as the job's build; the lease goes, since the build now carries
 * the job. A build already recorded for the attempt wins: the second is logged at ERROR.
 */
export async function recordBuild(life: JobLife, claim: HeldClaim, build: StartedBuild): Promise<void> {
  let recorded = '';
  await changeJob(life, claim.id, (current) => {
    recorded = current?.build?.id ?? '';
    if (!current || current.attempt !== claim.attempt || isFinal(current.state) || current.build)
      return { keep: true };
    return {
      write: {
        ...withoutLease(current),
        build: { id: build.id, ...(build.logUrl ? { logUrl: build.logUrl } : {}) },
        updatedAt: life.clock().toISOString(),
      },
    };
  });
  if (recorded && recorded !== build.id)
    life.logger.error('a second build runs for this attempt', { buildId: build.id, recorded });
}
