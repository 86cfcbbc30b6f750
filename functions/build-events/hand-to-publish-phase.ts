import type { BuildNotification } from '../../shared/build/read-build-notification.js';
import { TransientError, UnreadableDocumentError } from '../../shared/errors.js';
import type { Logger } from '../../shared/log/create-logger.js';
import { startPublishPhase, type PublishPhaseDeps } from '../../shared/status/start-publish-phase.js';

/** What build-events answers for a build phase's success, unless it is ignored (`ignored`, why). */
export type Handover = { state: 'building' | 'failed' } | { ignored: string };

/**
 * The build phase succeeded: its job's publish phase starts (or a dead instance's is adopted). A
 * start that another instance holds right now is retried, so that instance's death never leaves
 * the job building; an unreadable job is left for a person.
 */
export async function handToPublishPhase(
  deps: PublishPhaseDeps,
  build: BuildNotification & { job: NonNullable<BuildNotification['job']> },
  log: Logger,
): Promise<Handover> {
  const started = await startPublishPhase(deps, build).catch((error: unknown) => {
    if (error instanceof UnreadableDocumentError) return { ignored: error.message };
    throw error instanceof TransientError
      ? error
      : new TransientError(`Unable to start the publish phase of build ${build.buildId}`, error);
  });
  if ('waiting' in started)
    throw new TransientError(`The publish phase is being started elsewhere: ${started.waiting}`);
  if ('ignored' in started) return started;
  if ('refused' in started) {
    log.warn('publish phase refused', { reason: started.refused });
    return { state: 'failed' };
  }
  if ('started' in started) log.info('publish phase started', { publishBuildId: started.started });
  else log.info('publish phase of a dead instance adopted', { publishBuildId: started.adopted });
  return { state: 'building' };
}
