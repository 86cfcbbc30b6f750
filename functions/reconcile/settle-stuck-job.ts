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
import type { JobStatus } from '../../shared/status/job-status.js';
import { recordBuildOutcome, type Refusal } from '../../shared/status/record-build-outcome.js';
import { readJob } from '../../shared/status/read-job.js';
import { startPublishPhase, type PublishPhaseDeps } from '../../shared/status/start-publish-phase.js';
import type { SettledJob } from './reconcile-report.js';
import { toBuildJson } from './to-build-json.js';

export interface SettleDeps {
  store: DocumentStore;
  /** Where each transition is announced; unset, none is. */
  events?: JobEvents | undefined;
  builds: Pick<BuildService, 'get' | 'start' | 'listByTag'>;
  buildTimeoutSeconds: number;
  clock: () => Date;
  logger: Logger;
  /** What starting a publish phase needs beyond these: accounts, the served repositories, the lease. */
  publish: Omit<PublishPhaseDeps, 'store' | 'events' | 'builds' | 'buildTimeoutSeconds' | 'clock' | 'logger'>;
}

type Phase = 'build' | 'publish';

/**
 * Asks Cloud Build for the real state of a job's recorded build and moves the job on exactly as a
 * `cloud-builds` notification would have: from its publish phase once one is recorded, else from its
 * build phase, whose unheard success starts the publish phase. A job that moved meanwhile is left
 * alone, and so is one whose recorded build does not name this job and attempt.
 */
export async function settleStuckJob(
  deps: SettleDeps,
  id: JobId,
  seen: Pick<JobStatus, 'attempt' | 'state'> & { buildId: string },
): Promise<SettledJob | undefined> {
  const job = await readJob(deps.store, id);
  if (!job || job.attempt !== seen.attempt || job.build?.id !== seen.buildId) return undefined;
  const phase: Phase = job.publishBuild ? 'publish' : 'build';
  const buildId = job.publishBuild?.id ?? seen.buildId;
  const outcome = await outcomeOf(deps.builds, buildId, deps.buildTimeoutSeconds);
  if (outcome.result.state === 'unknown') return undefined;
  const found = outcome.notification;
  if (outcome.found && !namesJob(found, id, seen.attempt, phase)) {
    deps.logger.warn('stuck job left alone: its recorded build is not one pkgrelay started for it', {
      ...id,
      buildId,
      names: found?.job ?? 'no job',
    });
    return undefined;
  }
  const report = { repository: job.repository, tag: job.tag, attempt: job.attempt, from: seen.state };
  if (found?.phase === 'build' && found.status === 'SUCCESS' && found.job)
    return startPublishing(deps, { ...found, job: found.job }, { ...report, buildId });
  const { changed, job: settled } = await recordBuildOutcome(
    { ...deps, readBuild: (buildId) => deps.builds.get(buildId) },
    id,
    {
      build: {
        buildId,
        status: outcome.status,
        logUrl: outcome.logUrl,
        phase: found?.phase ?? phase,
        upstream: found?.upstream,
      },
      outcome: outcome.result,
      resource: outcome.build,
      by: 'settled by reconcile',
    },
    (current) => judgeSettlement(current, seen.attempt, phase, buildId),
  );
  if (!changed || !settled) return undefined;
  return {
    ...report,
    buildId,
    buildStatus: outcome.status ?? 'NOT_FOUND',
    ...(phase === 'publish' ? { phase } : {}),
    to: settled.state,
  };
}

/** The build phase succeeded unheard: the publish phase starts (once, however many callers race). */
async function startPublishing(
  deps: SettleDeps,
  build: BuildNotification & { job: NonNullable<BuildNotification['job']> },
  report: Omit<SettledJob, 'buildStatus' | 'to'>,
): Promise<SettledJob | undefined> {
  const { store, events, builds, buildTimeoutSeconds, clock, logger } = deps;
  const started = await startPublishPhase(
    { ...deps.publish, store, events, builds, buildTimeoutSeconds, clock, logger },
    build,
  );
  if ('started' in started || 'adopted' in started) {
    const publishBuildId = 'started' in started ? started.started : started.adopted;
    return { ...report, buildStatus: 'SUCCESS', to: 'building', publishBuildId };
  }
  if ('refused' in started) return { ...report, buildStatus: 'SUCCESS', to: 'failed' };
  const reason = 'waiting' in started ? started.waiting : started.ignored;
  logger.info('stuck job left: its publish phase was not started here', { ...build.job, reason });
  return undefined;
}

// Reconcile trusts only the build it found recorded: a job that moved on meanwhile is left to whoever moved it.
function judgeSettlement(
  current: JobStatus,
  attempt: number,
  phase: Phase,
  buildId: string,
): Refusal | undefined {
  const recorded = phase === 'publish' ? current.publishBuild : current.build;
  const moved = { reason: 'the job moved on meanwhile', foreign: false };
  if (current.attempt !== attempt || recorded?.id !== buildId) return moved;
  // A publish phase recorded meanwhile carries the job: the build phase's outcome no longer counts.
  return phase === 'build' && current.publishBuild ? moved : undefined;
}

// A recorded build counts only if it names this job, this attempt and the phase it was recorded as.
function namesJob(build: BuildNotification | undefined, id: JobId, attempt: number, phase: Phase): boolean {
  if (!build?.job || jobKey(build.job) !== jobKey(id) || build.job.attempt !== attempt) return false;
  return phase === 'publish' ? build.phase === 'publish' : build.phase !== 'publish';
}

async function outcomeOf(
  builds: Pick<BuildService, 'get'>,
  buildId: string,
  buildTimeoutSeconds: number,
): Promise<{
  result: BuildOutcome;
  found: boolean;
  notification?: BuildNotification;
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
    notification,
    result: describeBuildOutcome(notification, buildTimeoutSeconds),
    status: notification.status,
    ...(notification.logUrl ? { logUrl: notification.logUrl } : {}),
  };
}
