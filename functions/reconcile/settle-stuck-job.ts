import { describeBuildOutcome, type BuildOutcome } from '../../shared/build/describe-build-outcome.js';
import {
  readBuild,
  type BuildNotification,
  type BuildStatus,
} from '../../shared/build/read-build-notification.js';
import { jobKey, type JobId } from '../../shared/contracts/job-id.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { BuildService } from '../../shared/ports/build-service.js';
import type { DocumentStore } from '../../shared/ports/document-store.js';
import type { JobEvents } from '../../shared/ports/job-events.js';
import { isFinal, type JobStatus } from '../../shared/status/job-status.js';
import { applyBuildOutcome } from '../../shared/status/apply-build-outcome.js';
import { recordProvenance } from '../../shared/provenance/record-provenance.js';
import { updateAnnouncedJob } from '../../shared/status/update-announced-job.js';
import type { SettledJob } from './reconcile-report.js';
import { toBuildJson } from './to-build-json.js';

export interface SettleDeps {
  store: DocumentStore;
  /** Where each transition is announced; unset, none is. */
  events?: JobEvents | undefined;
  builds: Pick<BuildService, 'get'>;
  buildTimeoutSeconds: number;
  clock: () => Date;
  logger: Logger;
}

/**
 * Asks Cloud Build for the real state of a job's recorded build and moves the job on exactly as a
 * `cloud-builds` notification would have; a job that moved meanwhile is left alone, and so is one
 * whose recorded build does not name this job and attempt.
 */
export async function settleStuckJob(
  { store, events, builds, buildTimeoutSeconds, clock, logger }: SettleDeps,
  id: JobId,
  seen: Pick<JobStatus, 'attempt' | 'state'> & { buildId: string },
): Promise<SettledJob | undefined> {
  const outcome = await outcomeOf(builds, seen.buildId, buildTimeoutSeconds);
  if (outcome.result.state === 'unknown') return undefined;
  const job = outcome.job;
  if (outcome.found && (!job || jobKey(job) !== jobKey(id) || job.attempt !== seen.attempt)) {
    logger.warn('stuck job left alone: its recorded build is not one pkgrelay started for it', {
      ...id,
      buildId: seen.buildId,
      names: job ?? 'no job',
    });
    return undefined;
  }
  const target = outcome.result;
  const { changed, job: settled } = await updateAnnouncedJob(
    store,
    events,
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
    logger,
  );
  if (!changed || !settled) return undefined;
  if (outcome.build) await recordProvenance(store, settled, outcome.build);
  return {
    repository: settled.repository,
    tag: settled.tag,
    attempt: settled.attempt,
    buildId: seen.buildId,
    buildStatus: outcome.status ?? 'NOT_FOUND',
    from: seen.state,
    to: settled.state,
  };
}

async function outcomeOf(
  builds: Pick<BuildService, 'get'>,
  buildId: string,
  buildTimeoutSeconds: number,
): Promise<{
  result: BuildOutcome;
  found: boolean;
  job?: BuildNotification['job'];
  status?: BuildStatus;
  logUrl?: string;
  /** The Build resource as REST JSON, for the provenance of a job it published. */
  build?: unknown;
}> {
  const build = await builds.get(buildId);
  if (build === undefined) {
    return {
      found: false,
      result: {
        state: 'failed',
        error: {
          code: 'INTERNAL_ERROR',
          message: `Cloud Build has no build ${buildId} any more; publish the request again with "force": true`,
        },
      },
    };
  }
  const json = toBuildJson(build);
  const notification = readBuild(json);
  if (!notification) throw new Error(`Cloud Build answered build ${buildId} in a shape pkgrelay cannot read`);
  return {
    found: true,
    build: json,
    job: notification.job,
    result: describeBuildOutcome(notification, buildTimeoutSeconds),
    status: notification.status,
    ...(notification.logUrl ? { logUrl: notification.logUrl } : {}),
  };
}
