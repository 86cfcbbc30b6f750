import type { BuildOutcome } from '../../shared/build/describe-build-outcome.js';
import type { BuildNotification } from '../../shared/build/read-build-notification.js';
import { TransientError, UnreadableDocumentError } from '../../shared/errors.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { BuildOrigin } from '../../shared/status/judge-build-origin.js';
import { recordBuildOutcome, type OutcomeLife } from '../../shared/status/record-build-outcome.js';
import { judgeNotification } from './judge-notification.js';

/** `warned`: ignored, and already logged above INFO (a foreign build, an unreadable job). */
export type NotifiedOutcome = { changed: true } | { ignored: string } | { warned: string };

/**
 * Any notification but a build phase's success: the job moves on as the build left it, and the
 * provenance of what it published is written. An unreadable job is acknowledged and left for a person
 * (a redelivery cannot read it either); any other failure is transient, so Pub/Sub redelivers.
 */
export async function recordNotifiedOutcome(
  life: OutcomeLife,
  build: BuildNotification & { job: NonNullable<BuildNotification['job']> },
  {
    outcome,
    data,
    origin,
  }: { outcome: Exclude<BuildOutcome, { state: 'unknown' }>; data: Buffer; origin: BuildOrigin },
  log: Logger,
): Promise<NotifiedOutcome> {
  try {
    const recorded = await recordBuildOutcome(
      life,
      build.job,
      { build, outcome, resource: data },
      (current) => judgeNotification(current, build, origin),
    );
    if (recorded.provenance.success && recorded.provenance.data.written)
      log.info('provenance recorded', { path: recorded.provenance.data.path });
    const { refusal } = recorded;
    if (refusal?.foreign) {
      // Someone may be trying to write a job's outcome with a build of their own.
      log.warn('build notification ignored: not the job\u2019s build', { reason: refusal.reason });
      return { warned: refusal.reason };
    }
    return recorded.changed ? { changed: true } : { ignored: refusal?.reason ?? 'nothing to change' };
  } catch (error) {
    if (error instanceof UnreadableDocumentError) {
      log.error('job left alone: its status document is unreadable', {
        path: error.path,
        problem: error.problem,
      });
      return { warned: error.message };
    }
    throw error instanceof TransientError
      ? error
      : new TransientError(`Unable to record build ${build.buildId}`, error);
  }
}
