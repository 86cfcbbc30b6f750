import { describeBuildOutcome, type BuildOutcome } from '../../shared/build/describe-build-outcome.js';
import { readBuild, type BuildStatus } from '../../shared/build/read-build-notification.js';
import type { JobId } from '../../shared/contracts/job-id.js';
import type { BuildService } from '../../shared/ports/build-service.js';
import type { DocumentStore } from '../../shared/ports/document-store.js';
import { isFinal, type JobStatus } from '../../shared/status/job-status.js';
import { applyBuildOutcome } from '../../shared/status/apply-build-outcome.js';
import { updateJob } from '../../shared/status/update-job.js';
import type { SettledJob } from './reconcile-report.js';
import { toBuildJson } from './to-build-json.js';

export interface SettleDeps {
  store: DocumentStore;
  builds: Pick<BuildService, 'get'>;
  buildTimeoutSeconds: number;
  clock: () => Date;
}

/**
 * Asks Cloud Build for the real state of a job's build and moves the job on exactly as a
 * `cloud-builds` notification would have; a job that moved meanwhile is left alone.
 */
export async function settleStuckJob(
  { store, builds, buildTimeoutSeconds, clock }: SettleDeps,
  id: JobId,
  seen: Pick<JobStatus, 'attempt' | 'state'> & { buildId: string },
): Promise<SettledJob | undefined> {
  const outcome = await outcomeOf(builds, seen.buildId, buildTimeoutSeconds);
  if (outcome.result.state === 'unknown') return undefined;
  const target = outcome.result;
  const { changed, job } = await updateJob(
    store,
    id,
    (current) => {
      if (!current || current.attempt !== seen.attempt || current.build?.id !== seen.buildId)
        return { keep: true };
      // Never backwards: a final job stays final, a building one is not "re-started".
      if (isFinal(current.state)) return { keep: true };
      if (target.state === 'building' && current.state === 'building') return { keep: true };
      const build = { buildId: seen.buildId, status: outcome.status, logUrl: outcome.logUrl };
      return { write: applyBuildOutcome(current, build, target, clock(), 'settled by reconcile') };
    },
    clock,
  );
  if (!changed || !job) return undefined;
  return {
    repository: job.repository,
    tag: job.tag,
    attempt: job.attempt,
    buildId: seen.buildId,
    buildStatus: outcome.status ?? 'NOT_FOUND',
    from: seen.state,
    to: job.state,
  };
}

async function outcomeOf(
  builds: Pick<BuildService, 'get'>,
  buildId: string,
  buildTimeoutSeconds: number,
): Promise<{ result: BuildOutcome; status?: BuildStatus; logUrl?: string }> {
  const build = await builds.get(buildId);
  if (build === undefined) {
    return {
      result: {
        state: 'failed',
        error: {
          code: 'INTERNAL_ERROR',
          message: `Cloud Build has no build ${buildId} any more; publish the request again with "force": true`,
        },
      },
    };
  }
  const notification = readBuild(toBuildJson(build));
  if (!notification) throw new Error(`Cloud Build answered build ${buildId} in a shape pkgrelay cannot read`);
  return {
    result: describeBuildOutcome(notification, buildTimeoutSeconds),
    status: notification.status,
    ...(notification.logUrl ? { logUrl: notification.logUrl } : {}),
  };
}
