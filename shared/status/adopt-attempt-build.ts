import { describeBuildOutcome } from '../build/describe-build-outcome.js';
import type { BuildService } from '../ports/build-service.js';
import { TransientError } from '../errors.js';
import { applyBuildOutcome } from './apply-build-outcome.js';
import { findAttemptBuild } from './find-attempt-build.js';
import { changeWhileHeld, type HeldClaim } from './hold-claim.js';
import type { JobLife } from './job-life.js';

export type Adoption = { adopted: string; status: string } | { lost: true } | undefined;

/**
 * The takeover's first step: the worker before this one may have died between creating its build
 * and recording it. A build of the attempt that pkgrelay created (it runs as `serviceAccount`) is
 * recorded as the job's while the claim holds; undefined when there is none, so one may start.
 */
export async function adoptAttemptBuild(
  life: JobLife,
  builds: Pick<BuildService, 'listByTag'>,
  claim: HeldClaim,
  {
    serviceAccount,
    buildTimeoutSeconds,
  }: { serviceAccount: string | undefined; buildTimeoutSeconds: number },
): Promise<Adoption> {
  const existing = await findAttemptBuild(
    builds,
    claim.id,
    claim.attempt,
    { serviceAccount },
    life.logger,
  ).catch((error: unknown) => {
    throw new TransientError('Unable to look for a build of this attempt', error);
  });
  if (!existing) return undefined;
  const outcome = describeBuildOutcome(existing, buildTimeoutSeconds);
  const adopted = await changeWhileHeld(life, claim, (current) =>
    applyBuildOutcome(
      current,
      existing,
      outcome.state === 'unknown' ? { state: 'building' } : outcome,
      life.clock(),
    ),
  );
  return adopted ? { adopted: existing.buildId, status: existing.status } : { lost: true };
}
