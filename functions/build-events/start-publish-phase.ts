import { createPublishPlan } from '../../shared/build/create-publish-plan.js';
import type { BuildNotification } from '../../shared/build/read-build-notification.js';
import { findRepository } from '../../shared/config/find-repository.js';
import type { RepositoryConfig } from '../../shared/config/repository-config.js';
import { resolvePackage } from '../../shared/config/resolve-package.js';
import type { JobId } from '../../shared/contracts/job-id.js';
import { TransientError } from '../../shared/errors.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { BuildService } from '../../shared/ports/build-service.js';
import type { DocumentStore } from '../../shared/ports/document-store.js';
import { parseDistributionFilename } from '../../shared/registry/parse-distribution-filename.js';
import { claimDistributionNames } from '../../shared/status/claim-distribution-names.js';
import { judgeBuildOrigin } from '../../shared/status/judge-build-origin.js';
import { isFinal, type JobStatus } from '../../shared/status/job-status.js';
import { transitionJob } from '../../shared/status/transition-job.js';
import { updateJobDocument } from '../../shared/status/update-job-document.js';
import { updateJob } from '../../shared/status/update-job.js';

export interface PublishPhaseDeps {
  store: DocumentStore;
  builds: Pick<BuildService, 'start'>;
  repositories: readonly RepositoryConfig[];
  builderAccountOf: (repo: RepositoryConfig) => string | undefined;
  publishServiceAccount?: string | undefined;
  buildTimeoutSeconds: number;
  clock: () => Date;
  logger: Logger;
}

export type PublishStart = { started: string } | { refused: string } | { ignored: string };

/**
 * On the build phase's success: decides the names the repository may publish, then starts the publish
 * phase as the publisher account with that build's archive as its source, and records it on the job.
 */
export async function startPublishPhase(
  deps: PublishPhaseDeps,
  build: BuildNotification & { job: JobId & { attempt: number } },
): Promise<PublishStart> {
  const { store, clock, logger } = deps;
  const id = build.job;
  const repo = findRepository(deps.repositories, id.repository);
  let current: JobStatus | undefined;
  // A read (validated like every job read): the writes below bring the index along.
  await updateJobDocument(store, id, (job) => ((current = job), { keep: true }));
  const job = current as JobStatus | undefined;
  const why = whyNot(job, build, repo && deps.builderAccountOf(repo));
  if (why || !job || !repo) return { ignored: why || 'the repository is no longer configured' };
  const pkg = resolvePackage(repo, id.tag);
  if (!pkg.success) return { ignored: pkg.error };
  const names = await claimDistributionNames(
    store,
    repo.repository,
    {
      configured: pkg.data.package.distributionName,
      built: build.packedFiles.flatMap((file) => parseDistributionFilename(file)?.name ?? []),
    },
    deps.repositories,
    clock(),
  );
  if (!names.success) {
    await updateJob(
      store,
      id,
      (now) =>
        now && now.attempt === id.attempt && !isFinal(now.state) && !now.publishBuild
          ? {
              write: transitionJob(
                now,
                'failed',
                clock(),
                {
                  build: { ...(now.build ?? { id: build.buildId }), status: build.status },
                  error: { code: 'NAME_NOT_ALLOWED', message: names.error },
                },
                names.error,
              ),
            }
          : { keep: true },
      clock,
      logger,
    );
    return { refused: names.error };
  }
  if (!build.stagingLocation) return { ignored: 'the build phase names no staging location' };
  const plan = createPublishPlan({
    built: build.substitutions,
    pythonVersion: pkg.data.package.pythonVersion,
    allowedNames: names.data,
    stagingLocation: build.stagingLocation,
    serviceAccount: deps.publishServiceAccount,
    timeoutSeconds: deps.buildTimeoutSeconds,
  });
  const started = await deps.builds.start(plan).catch((error: unknown) => {
    throw new TransientError('Unable to start the publish phase', error);
  });
  let other = '';
  await updateJob(
    store,
    id,
    (now) => {
      other = now?.publishBuild && now.publishBuild.id !== started.id ? now.publishBuild.id : '';
      if (!now || now.attempt !== id.attempt || isFinal(now.state) || now.publishBuild) return { keep: true };
      return {
        write: {
          ...now,
          schemaVersion: 2,
          // What the build phase's fetch step checked out: drift and provenance are measured against it.
          ...(build.upstream ? { upstream: build.upstream } : {}),
          build: { ...(now.build ?? { id: build.buildId }), status: build.status },
          publishBuild: { id: started.id, ...(started.logUrl ? { logUrl: started.logUrl } : {}) },
          updatedAt: clock().toISOString(),
        },
      };
    },
    clock,
    logger,
  );
  if (other)
    logger.error('a second publish phase runs for this attempt', { buildId: started.id, recorded: other });
  return { started: started.id };
}

// Only the job's own build phase, once, may start a publish phase.
function whyNot(job: JobStatus | undefined, build: BuildNotification, builder: string | undefined): string {
  if (!job) return 'no job has this build';
  if (job.attempt !== build.job?.attempt) return `the job is on attempt ${job.attempt}`;
  if (isFinal(job.state)) return `the job is already ${job.state}`;
  if (job.publishBuild) return `the job's publish phase ${job.publishBuild.id} is recorded`;
  if (job.build && job.build.id !== build.buildId)
    return `the job runs build ${job.build.id}, not ${build.buildId}`;
  if (!job.build) return judgeBuildOrigin(build, job, { serviceAccount: builder });
  return '';
}
