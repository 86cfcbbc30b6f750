import { describeBuildOutcome } from '../../shared/build/describe-build-outcome.js';
import { readBuildNotification } from '../../shared/build/read-build-notification.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { DocumentStore } from '../../shared/ports/document-store.js';
import type { JobEvents } from '../../shared/ports/job-events.js';
import { readPubSubEvent } from '../../shared/pubsub/read-pubsub-event.js';
import { recordNotifiedOutcome } from './record-notified-outcome.js';
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
    const ours = { ...build, job: build.job };
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
      const handed = await handToPublishPhase(publishing, ours, log);
      if ('ignored' in handed) return ignore(handed.ignored, { buildId: build.buildId, ...build.job });
      return { outcome: 'applied', state: handed.state };
    }
    const outcome = describeBuildOutcome(build, buildTimeoutSeconds);
    if (outcome.state === 'unknown') return ignore('the build status is unknown', { buildId: build.buildId });
    const repo = findRepository(served, build.job.repository);
    const origin = { serviceAccount: repo && builderOf(repo), publishServiceAccount };
    const life = { store, events, clock, logger, readBuild: (id: string) => builds.get(id) };
    const recorded = await recordNotifiedOutcome(life, ours, { outcome, data: message.data, origin }, log);
    if ('warned' in recorded) return { outcome: 'ignored', reason: recorded.warned };
    if ('ignored' in recorded) return ignore(recorded.ignored, { buildId: build.buildId, ...build.job });
    log.info('job status moved on', { state: outcome.state });
    return { outcome: 'applied', state: outcome.state };
  };

  function ignore(reason: string, fields: Record<string, unknown>): BuildEventOutcome {
    logger.info('build notification ignored', { reason, ...fields });
    return { outcome: 'ignored', reason };
  }
}
