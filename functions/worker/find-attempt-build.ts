import { readBuild, type BuildNotification } from '../../shared/build/read-build-notification.js';
import type { BuildPlan } from '../../shared/build/create-build-plan.js';
import type { BuildService } from '../../shared/ports/build-service.js';
import type { JobId } from '../../shared/contracts/job-id.js';
import { jobKey } from '../../shared/contracts/job-id.js';

/**
 * The build that already runs (or ran) this attempt of the job, if one does: a worker that died
 * between creating a build and recording its id leaves one behind. The oldest wins, as the one
 * whose notifications the job may already have adopted.
 */
export async function findAttemptBuild(
  builds: BuildService,
  plan: BuildPlan,
  id: JobId,
  attempt: number,
): Promise<BuildNotification | undefined> {
  const tag = plan.tags.find((candidate) => candidate.startsWith('job-'));
  if (!tag) return undefined;
  const found = (await builds.listByTag(tag))
    .map(readBuild)
    .filter(
      (build): build is BuildNotification =>
        build?.job !== undefined && build.job.attempt === attempt && jobKey(build.job) === jobKey(id),
    )
    .sort((a, b) => (a.createTime ?? '').localeCompare(b.createTime ?? ''));
  return found[0];
}
