import { describeBuildOutcome } from '../../shared/build/describe-build-outcome.js';
import { readBuildNotification } from '../../shared/build/read-build-notification.js';
import { TransientError, UnreadableDocumentError } from '../../shared/errors.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { DocumentStore } from '../../shared/ports/document-store.js';
import { recordProvenance } from '../../shared/provenance/record-provenance.js';
import { readPubSubEvent } from '../../shared/pubsub/read-pubsub-event.js';
import { applyBuildOutcome } from '../../shared/status/apply-build-outcome.js';
import type { JobStatus } from '../../shared/status/job-status.js';
import { updateJob } from '../../shared/status/update-job.js';
import { judgeNotification, type Judgement } from './judge-notification.js';

export interface BuildEventsDeps {
  store: DocumentStore;
  logger: Logger;
  buildTimeoutSeconds: number;
  /** PKGRELAY_BUILD_SERVICE_ACCOUNT: a build the job has not recorded counts only if it runs as this account. */
  buildServiceAccount?: string | undefined;
  clock?: () => Date;
}

export type BuildEventOutcome =
  { outcome: 'ignored'; reason: string } | { outcome: 'applied'; state: string };

/**
 * Moves a job's status on from its build's notifications. Duplicates and stale notifications
 * (an older attempt, another build, anything after a final state) change nothing.
 */
export function createBuildEventsHandler({
  store,
  logger,
  buildTimeoutSeconds,
  buildServiceAccount,
  clock = () => new Date(),
}: BuildEventsDeps): (event: { id?: string; data?: unknown }) => Promise<BuildEventOutcome> {
  return async (event) => {
    const message = readPubSubEvent(event);
    const build = message && readBuildNotification(message.data);
    if (!build) return ignore('not a Cloud Build notification', { messageId: message?.messageId });
    if (!build.job) return ignore('the build is not one of pkgrelay\u2019s', { buildId: build.buildId });
    const outcome = describeBuildOutcome(build, buildTimeoutSeconds);
    if (outcome.state === 'unknown') return ignore('the build status is unknown', { buildId: build.buildId });
    const log = logger.child({ ...build.job, buildId: build.buildId, status: build.status });
    let judgement: Judgement = { apply: true };
    const decide = (current: JobStatus | undefined): { write: JobStatus } | { keep: true } => {
      judgement = judgeNotification(current, build, outcome.state, { serviceAccount: buildServiceAccount });
      if (!judgement.apply || !current) return { keep: true };
      return { write: applyBuildOutcome(current, build, outcome, clock()) };
    };
    try {
      const { changed, job } = await updateJob(store, build.job, decide, clock, logger);
      // Also when nothing changed: the redelivery of a notification repairs a statement that was not written.
      const provenance = await recordProvenance(store, job, message.data);
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
