import { createBuildPlan } from '../../shared/build/create-build-plan.js';
import { builderAccountOf } from '../../shared/build/name-builder-account.js';
import { findRepository } from '../../shared/config/find-repository.js';
import { listRepositoriesServing } from '../../shared/config/list-repositories-serving.js';
import type { RepositoryProvider } from '../../shared/config/repository-provider.js';
import { resolvePackage } from '../../shared/config/resolve-package.js';
import type { ReleaseRequest } from '../../shared/contracts/release-request.js';
import { PermanentError, TransientError } from '../../shared/errors.js';
import type { BuildService } from '../../shared/ports/build-service.js';
import type { PublishedFiles } from '../../shared/ports/published-files.js';
import { adoptAttemptBuild } from '../../shared/status/adopt-attempt-build.js';
import { claimJob, type ClaimOptions } from '../../shared/status/claim-job.js';
import { renewClaim, type HeldClaim } from '../../shared/status/hold-claim.js';
import type { JobLife } from '../../shared/status/job-life.js';
import { recordBuild } from '../../shared/status/record-build.js';
import type { WorkerConfig, WorkerOutcome } from './create-worker-handler.js';
import { skipPublishedVersion } from './skip-published-version.js';

export interface RunDeps {
  life: JobLife;
  config: WorkerConfig;
  repositories: RepositoryProvider;
  builds: BuildService;
  registry: PublishedFiles;
  claiming: Omit<ClaimOptions, 'leaseSeconds'>;
  /** Names each attempt's staging folder. */
  newStagingId: () => string;
  /** Told of the claim once it is held, so a failure after it can give the lease up. */
  onClaim: (claim: HeldClaim) => void;
}

/**
 * One release request's steps: find what to build, claim the job, end it `skipped` if the registry
 * has the version, adopt a dead worker's build, or start the build and record it. Every write after
 * the claim checks the claim still holds, so a worker that lost its lease never starts a build.
 */
export async function runReleaseRequest(
  { life, config, repositories, builds, registry, claiming, newStagingId, onClaim }: RunDeps,
  request: ReleaseRequest,
  messageId: string,
): Promise<WorkerOutcome> {
  const log = life.logger;
  // Refused only by a list read now: the webhook may have seen an addition this instance has not.
  const served = await listRepositoriesServing(repositories, request.repository, 0);
  const repo = findRepository(served, request.repository);
  if (!repo) {
    throw new PermanentError(
      'NOT_CONFIGURED',
      `${request.repository} is not in the served repositories; add it (pkgrelay repositories add) to let pkgrelay build it`,
    );
  }
  const resolved = resolvePackage(repo, request.tag);
  if (!resolved.success) throw new PermanentError('INVALID_REQUEST', `${resolved.error}; nothing to build`);
  const pkg = resolved.data.package;
  const id = { repository: repo.repository, tag: request.tag };
  const version = resolved.data.version.normalized;

  const claimed = await claimJob(
    life,
    { id, force: request.force ?? false, messageId, source: request.source, pkg, version },
    { ...claiming, leaseSeconds: config.leaseSeconds },
  );
  if (claimed.action === 'wait') throw new TransientError('The job is in flight elsewhere', claimed.reason);
  if (claimed.action === 'leave') {
    log.info('release request acknowledged without a build', { reason: claimed.reason });
    return { outcome: 'left', reason: claimed.reason };
  }
  const { claim, job } = claimed;
  onClaim(claim);
  log.info('job claimed', { attempt: claim.attempt, note: claimed.note });

  const skip = await skipPublishedVersion(life, registry, claim, {
    pkg,
    version,
    job,
    previous: claimed.previous,
  });
  if (skip.skipped) {
    log.info('job skipped', { reason: skip.reason });
    return { outcome: 'skipped', reason: skip.reason };
  }
  if (skip.lost) return lost(life, claim);

  // A private repository's build phase runs as its own account, which may read only its token.
  const builder = builderAccountOf(repo, config);
  const plan = createBuildPlan({
    projectId: config.projectId,
    repository: repo.repository,
    tag: request.tag,
    version,
    attempt: claim.attempt,
    repo: pkg,
    upstreamBase: config.upstreamBase,
    registryUrl: config.registryUrl,
    isolation: config.buildIsolation,
    registryAuth: config.registryAuth,
    timeoutSeconds: config.buildTimeoutSeconds,
    serviceAccount: builder,
    // A version published before, or with files in the registry: a build may only come from that same commit.
    expectCommit: job.replaces?.publishedFrom ?? (skip.files.length > 0 ? job.replaces?.commit : undefined),
    // Unguessable: no other build can plant an archive where this attempt's publish phase will look.
    stagingLocation: `gs://${config.stagingBucket}/staging/${newStagingId()}/`,
    builderImage: config.builderImage,
  });
  if (claimed.takeover) {
    const adoption = await adoptAttemptBuild(life, builds, claim, {
      serviceAccount: builder,
      buildTimeoutSeconds: config.buildTimeoutSeconds,
    });
    if (adoption && 'lost' in adoption) return lost(life, claim);
    if (adoption) {
      log.info('build of a dead worker adopted', { buildId: adoption.adopted, status: adoption.status });
      return { outcome: 'adopted', buildId: adoption.adopted };
    }
  }

  // Renewed right before the build starts: a worker whose lease was taken over stops here.
  if (!(await renewClaim(life, claim))) return lost(life, claim);
  const build = await builds.start(plan).catch((error: unknown) => {
    throw new TransientError('Unable to start the Cloud Build', error);
  });
  await recordBuild(life, claim, build);
  log.info('build started', { buildId: build.id, attempt: claim.attempt });
  return { outcome: 'started', buildId: build.id };
}

function lost(life: JobLife, { attempt }: HeldClaim): WorkerOutcome {
  const reason = `attempt ${attempt} was taken over or ended while this worker held it; it leaves the job alone`;
  life.logger.warn('claim lost', { reason });
  return { outcome: 'left', reason };
}
