import { createPublishPlan } from '../build/create-publish-plan.js';
import type { BuildNotification } from '../build/read-build-notification.js';
import { findRepository } from '../config/find-repository.js';
import type { RepositoryConfig } from '../config/repository-config.js';
import { resolvePackage } from '../config/resolve-package.js';
import type { JobId } from '../contracts/job-id.js';
import { TransientError } from '../errors.js';
import type { Logger } from '../log/create-logger.js';
import type { BuildService } from '../ports/build-service.js';
import type { DocumentStore } from '../ports/document-store.js';
import type { JobEvents } from '../ports/job-events.js';
import { parseDistributionFilename } from '../registry/parse-distribution-filename.js';
import { claimDistributionNames } from './claim-distribution-names.js';
import { decidePublishStart, type PublishDecision } from './decide-publish-start.js';
import { findAttemptBuild } from './find-attempt-build.js';
import { leaseFrom } from './job-lease.js';
import { isFinal, type JobStatus } from './job-status.js';
import { transitionJob } from './transition-job.js';
import { failJob } from './fail-job.js';
import { changeJob, withoutLease } from './job-life.js';
import { updateJobDocument } from './update-job-document.js';

export interface PublishPhaseDeps {
  store: DocumentStore;
  /** Where each transition is announced; unset, none is. */
  events?: JobEvents | undefined;
  builds: Pick<BuildService, 'start' | 'listByTag'>;
  repositories: readonly RepositoryConfig[];
  builderAccountOf: (repo: RepositoryConfig) => string | undefined;
  publishServiceAccount?: string | undefined;
  /** PKGRELAY_BUILDER_IMAGE: the publish phase's steps run on it, as the build phase's do. */
  builderImage?: string | undefined;
  buildTimeoutSeconds: number;
  /** Names the caller (a build-events or reconcile instance) in the lease it holds while it starts one. */
  holder: string;
  leaseSeconds: number;
  clock: () => Date;
  logger: Logger;
}

/** `adopted`: a taken-over start found the publish build its dead starter made, and recorded it. */
export type PublishStart =
  { started: string } | { adopted: string } | { refused: string } | { waiting: string } | { ignored: string };

type PhaseBuild = BuildNotification & { job: JobId & { attempt: number } };

/**
 * On the build phase's success: decides the names the repository may publish, then starts the publish
 * phase as the publisher account with that build's archive as its source, and records it on the job.
 * At most one publish build per attempt, whoever calls (build-events, its redeliveries, reconcile):
 * the caller first takes the job's lease with compare-and-swap, renews it right before it starts the
 * build, and a taker of an expired lease adopts the build its holder may have made before it died.
 */
export async function startPublishPhase(deps: PublishPhaseDeps, build: PhaseBuild): Promise<PublishStart> {
  const { store, clock, logger, holder } = deps;
  const id = build.job;
  const repo = findRepository(deps.repositories, id.repository);
  if (!repo) return { ignored: 'the repository is no longer configured' };
  const pkg = resolvePackage(repo, id.tag);
  if (!pkg.success) return { ignored: pkg.error };
  const stagingLocation = build.stagingLocation;
  if (!stagingLocation) return { ignored: 'the build phase names no staging location' };
  const builder = deps.builderAccountOf(repo);
  let decision: PublishDecision = { action: 'leave', reason: 'not decided' };
  await updateJobDocument(store, id, (job) => {
    const now = clock();
    decision = decidePublishStart(job, build, builder, holder, now);
    if (decision.action !== 'start' || !job) return { keep: true };
    const recorded = { ...(job.build ?? { id: build.buildId }), status: build.status };
    const lease = leaseFrom(holder, now, deps.leaseSeconds);
    // What the fetch step checked out goes on before the publish build exists: a fast one can be
    // recorded published by its own notification before this caller's later write gets its turn.
    const fetched = build.upstream ? { upstream: build.upstream } : {};
    // updatedAt moves with every job write: the job's next writer paces itself by it.
    return { write: { ...job, ...fetched, build: recorded, lease, updatedAt: now.toISOString() } };
  });
  // TypeScript cannot see the assignment inside the callback.
  const decided = decision as PublishDecision;
  if (decided.action === 'leave') return { ignored: decided.reason };
  if (decided.action === 'wait') return { waiting: decided.reason };

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
    const failure = { code: 'NAME_NOT_ALLOWED' as const, message: names.error };
    await failJob({ store, events: deps.events, clock, logger }, id, failure, {
      leave: (now) =>
        now && now.attempt === id.attempt && !isFinal(now.state) && !now.publishBuild
          ? ''
          : 'the job moved on meanwhile',
      changes: (now) => ({ build: { ...(now?.build ?? { id: build.buildId }), status: build.status } }),
    });
    return { refused: names.error };
  }
  if (decided.takeover) {
    const origin = { publishServiceAccount: deps.publishServiceAccount };
    const existing = await findAttemptBuild(deps.builds, id, id.attempt, origin, logger, 'publish').catch(
      (error: unknown) => {
        throw new TransientError('Unable to look for a publish phase of this attempt', error);
      },
    );
    if (existing) {
      await recordPublishBuild(deps, build, { id: existing.buildId, logUrl: existing.logUrl });
      return { adopted: existing.buildId };
    }
  }
  // Renewed right before the build starts: a starter whose lease was taken over stops here.
  if (!(await holdLease(deps, id, deps.leaseSeconds)))
    return { ignored: 'another caller took the publish phase over' };
  const plan = createPublishPlan({
    built: build.substitutions,
    pythonVersion: pkg.data.package.pythonVersion,
    allowedNames: names.data,
    stagingLocation,
    serviceAccount: deps.publishServiceAccount,
    timeoutSeconds: deps.buildTimeoutSeconds,
    builderImage: deps.builderImage,
  });
  const started = await deps.builds.start(plan).catch(async (error: unknown) => {
    // The redelivery may take over at once instead of waiting out this caller's lease.
    await holdLease(deps, id, 0).catch(() => {});
    throw new TransientError('Unable to start the publish phase', error);
  });
  await recordPublishBuild(deps, build, started);
  return { started: started.id };
}

/** Records the publish build on the job, which is building from now on; the lease goes. */
async function recordPublishBuild(
  { store, events, clock, logger }: PublishPhaseDeps,
  build: PhaseBuild,
  started: { id: string; logUrl?: string | undefined },
): Promise<void> {
  const id = build.job;
  let other = '';
  await changeJob({ store, events, clock, logger }, id, (now) => {
    other = now?.publishBuild && now.publishBuild.id !== started.id ? now.publishBuild.id : '';
    if (!now || now.attempt !== id.attempt || isFinal(now.state) || now.publishBuild) return { keep: true };
    const changes: Partial<JobStatus> = {
      schemaVersion: 2,
      // What the build phase's fetch step checked out: drift and provenance are measured against it.
      ...(build.upstream ? { upstream: build.upstream } : {}),
      build: { ...(now.build ?? { id: build.buildId }), status: build.status },
      publishBuild: { id: started.id, ...(started.logUrl ? { logUrl: started.logUrl } : {}) },
      updatedAt: clock().toISOString(),
    };
    const job = withoutLease(now);
    // A job whose build phase's notifications were all lost is still queued: it moves on here.
    return {
      write:
        now.state === 'queued' ? transitionJob(job, 'building', clock(), changes) : { ...job, ...changes },
    };
  });
  if (other)
    logger.error('a second publish phase runs for this attempt', { buildId: started.id, recorded: other });
}

/** Renews the caller's lease for `seconds` (0 gives it up) while the publish phase is unrecorded; false when lost. */
async function holdLease(
  { store, holder, clock }: PublishPhaseDeps,
  id: JobId & { attempt: number },
  seconds: number,
): Promise<boolean> {
  let held = false;
  await updateJobDocument(store, id, (now) => {
    held =
      now !== undefined &&
      now.attempt === id.attempt &&
      !isFinal(now.state) &&
      !now.publishBuild &&
      now.lease?.holder === holder;
    const at = clock();
    const lease = leaseFrom(holder, at, seconds);
    return held && now ? { write: { ...now, lease, updatedAt: at.toISOString() } } : { keep: true };
  });
  return held;
}
