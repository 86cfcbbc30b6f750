import { readBuild, type BuildNotification } from '../../shared/build/read-build-notification.js';
import { jobBuildTag } from '../../shared/build/job-build-tag.js';
import type { JobId } from '../../shared/contracts/job-id.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { BuildService } from '../../shared/ports/build-service.js';
import { judgeBuildOrigin, type BuildOrigin } from '../../shared/status/judge-build-origin.js';

/**
 * The build that already runs (or ran) this attempt of the job, if one does: a worker that died
 * between creating a build and recording its id leaves one behind. Only a build pkgrelay created
 * counts (judgeBuildOrigin); others are logged and left. The oldest wins, as the one whose
 * notifications the job may already have adopted.
 */
export async function findAttemptBuild(
  builds: BuildService,
  id: JobId,
  attempt: number,
  origin: BuildOrigin,
  log: Logger,
): Promise<BuildNotification | undefined> {
  const found: BuildNotification[] = [];
  for (const build of (await builds.listByTag(jobBuildTag(id))).map(readBuild)) {
    // A publish phase is build-events' to start and record, never a worker's to adopt.
    if (build?.job === undefined || build.job.attempt !== attempt || build.phase !== 'build') continue;
    const foreign = judgeBuildOrigin(build, id, origin);
    if (foreign)
      log.warn('build not adopted: pkgrelay did not create it', { buildId: build.buildId, reason: foreign });
    else found.push(build);
  }
  return found.sort((a, b) => (a.createTime ?? '').localeCompare(b.createTime ?? ''))[0];
}
