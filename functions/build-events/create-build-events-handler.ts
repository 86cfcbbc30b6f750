import { describeBuildOutcome } from '../../shared/build/describe-build-outcome.js';
import { readBuildNotification } from '../../shared/build/read-build-notification.js';
import { TransientError, UnreadableDocumentError } from '../../shared/errors.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { DocumentStore } from '../../shared/ports/document-store.js';
import { recordProvenance } from '../../shared/provenance/record-provenance.js';
import type { JobEvents } from '../../shared/ports/job-events.js';
import { readPubSubEvent } from '../../shared/pubsub/read-pubsub-event.js';
import { applyBuildOutcome } from '../../shared/status/apply-build-outcome.js';
import type { JobStatus } from '../../shared/status/job-status.js';
import { updateAnnouncedJob } from '../../shared/status/update-announced-job.js';
import { judgeNotification, type Judgement } from './judge-notification.js';
import { handToPublishPhase } from './hand-to-publish-phase.js';
import type { BuildService } from '../../shared/ports/build-service.js';
import type { RepositoryProvider } from '../../shared/config/repository-provider.js';
import type { RepositoryConfig } from '../../shared/config/repository-config.js';
import { findRepository } from '../../shared/config/find-repository.js';
import { builderAccountOf } from '../../shared/build/name-builder-account.js';

export interface BuildEventsDeps {
  store: DocumentStore;
  /** Where each transition is announced; unset, none is. */
  events?: JobEvents | undefined;
  logger: Logger;
  buildTimeoutSeconds: number;
  /** Starts each job's publish phase once its build phase succeeded (and finds one a dead instance started);
   * reads that build phase for the provenance. */
  builds: Pick<BuildService, 'start' | 'get' | 'listByTag'>;
  projectId: string;
  /** The served repositories: which account builds each, and the names each may publish. */
  repositories: RepositoryProvider;
  /** PKGRELAY_BUILD_SERVICE_ACCOUNT: a build the job has not recorded counts only if it runs as its repository's builder. */
  buildServiceAccount?: string | undefined;
  /** PKGRELAY_PUBLISH_SERVICE_ACCOUNT: the account publish phases run as. */
  publishServiceAccount?: string | undefined;
  /** PKGRELAY_BUILDER_IMAGE: the publish phase's steps run on it, as the build phase's do. */
  builderImage?: string | undefined;
  clock?: () => Date;
  /** Names this instance in the lease it holds while it starts a publish phase. */
  holder?: string;
  /** PKGRELAY_LEASE_SECONDS: how long that lease keeps others off. */
  leaseSeconds?: number;
}

export type BuildEventOutcome =
  { outcome: 'ignored'; reason: string } | { outcome: 'applied'; state: string };

/**
 * Moves a job's status on from its build's notifications. Duplicates and stale notifications
 * (an older attempt, another build, anything after a final state) change nothing.
 */
export function createBuildEventsHandler({
  store,
  events,
  logger,
  buildTimeoutSeconds,
  builds,
  projectId,
  repositories,
  buildServiceAccount,
  publishServiceAccount,
  builderImage,
  clock = () => new Date(),
  holder = `build-events-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
  leaseSeconds = 120,
}: BuildEventsDeps): (event: { id?: string; data?: unknown }) => Promise<BuildEventOutcome> {
  return async (event) => {
    const message = readPubSubEvent(event);
    const build = message && readBuildNotification(message.data);
    if (!build) return ignore('not a Cloud Build notification', { messageId: message?.messageId });
    if (!build.job) return ignore('the build is not one of pkgrelay\u2019s', { buildId: build.buildId });
    const log = logger.child({
      ...build.job,
      buildId: build.buildId,
      status: build.status,
      phase: build.phase,
    });
    const builderOf = (repo: RepositoryConfig): string | undefined =>
      builderAccountOf(repo, { projectId, buildServiceAccount });
    const served = await repositories();
    if (build.phase === 'build' && build.status === 'SUCCESS') {
      const publishing = {
        ...{ store, events, builds, publishServiceAccount, builderImage, buildTimeoutSeconds },
        ...{ repositories: served, builderAccountOf: builderOf, holder, leaseSeconds, clock, logger },
      };
      const handed = await handToPublishPhase(publishing, { ...build, job: build.job }, log);
      if ('ignored' in handed) return ignore(handed.ignored, { buildId: build.buildId, ...build.job });
      return { outcome: 'applied', state: handed.state };
    }
    const outcome = describeBuildOutcome(build, buildTimeoutSeconds);
    if (outcome.state === 'unknown') return ignore('the build status is unknown', { buildId: build.buildId });
    const repo = findRepository(served, build.job.repository);
    const origin = { serviceAccount: repo && builderOf(repo), publishServiceAccount };
    let judgement: Judgement = { apply: true };
    const decide = (current: JobStatus | undefined): { write: JobStatus } | { keep: true } => {
      judgement = judgeNotification(current, build, outcome.state, origin);
      if (!judgement.apply || !current) return { keep: true };
      return { write: applyBuildOutcome(current, build, outcome, clock()) };
    };
    try {
      const { changed, job } = await updateAnnouncedJob(store, events, build.job, decide, clock, logger);
      // Also when nothing changed: the redelivery of a notification repairs a statement that was not written.
      const provenance = await recordProvenance(store, job, message.data, (id) => builds.get(id));
      if (provenance.success && provenance.data.written)
        log.info('provenance recorded', { path: provenance.data.path });
      const seen = judgement as Judgement;
      if (!seen.apply && seen.foreign) {
        // Someone may be trying to write a job's outcome with a build of their own.
        log.warn('build notification ignored: not the job\u2019s build', { reason: seen.reason });
        return { outcome: 'ignored', reason: seen.reason };
      }
      if (!changed)
        return ignore(seen.apply ? 'nothing to change' : seen.reason, {
          buildId: build.buildId,
          ...build.job,
        });
    } catch (error) {
      // Acknowledged: a redelivery cannot read it either; reconcile settles the job once it is repaired.
      if (error instanceof UnreadableDocumentError) {
        log.error('job left alone: its status document is unreadable', {
          path: error.path,
          problem: error.problem,
        });
        return { outcome: 'ignored', reason: error.message };
      }
      throw error instanceof TransientError
        ? error
        : new TransientError(`Unable to record build ${build.buildId}`, error);
    }
    log.info('job status moved on', { state: outcome.state });
    return { outcome: 'applied', state: outcome.state };
  };

  function ignore(reason: string, fields: Record<string, unknown>): BuildEventOutcome {
    logger.info('build notification ignored', { reason, ...fields });
    return { outcome: 'ignored', reason };
  }
}
