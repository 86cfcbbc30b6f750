import type { BuildPhase } from '../build/create-build-plan.js';
import { readBuild, type BuildNotification } from '../build/read-build-notification.js';
import { jobBuildTag } from '../build/job-build-tag.js';
import type { JobId } from '../contracts/job-id.js';
import type { Logger } from '../log/create-logger.js';
import type { BuildService } from '../ports/build-service.js';
import { judgeBuildOrigin, type BuildOrigin } from './judge-build-origin.js';

/**
 * The build of `phase` that already runs (or ran) this attempt of the job, if one does: a worker (or
 * a publish phase's starter) that died between creating a build and recording its id leaves one
 * behind. Only a build pkgrelay created counts (judgeBuildOrigin); others are logged and left. The
 * oldest wins, as the one whose notifications the job may already have adopted.
 */
export async function findAttemptBuild(
  builds: Pick<BuildService, 'listByTag'>,
  id: JobId,
  attempt: number,
  origin: BuildOrigin,
  log: Logger,
  phase: BuildPhase = 'build',
): Promise<BuildNotification | undefined> {
  const found: BuildNotification[] = [];
  for (const build of (await builds.listByTag(jobBuildTag(id))).map(readBuild)) {
    // Each phase has its own starter: the worker never adopts a publish phase, nor the reverse.
    if (build?.job === undefined || build.job.attempt !== attempt || build.phase !== phase) continue;
    const foreign = judgeBuildOrigin(build, id, origin);
    if (foreign)
      log.warn('build not adopted: pkgrelay did not create it', { buildId: build.buildId, reason: foreign });
    else found.push(build);
  }
  return found.sort((a, b) => (a.createTime ?? '').localeCompare(b.createTime ?? ''))[0];
}
