import type { PackageConfig } from '../../shared/config/repository-config.js';
import { TransientError } from '../../shared/errors.js';
import type { PublishedFiles } from '../../shared/ports/published-files.js';
import { findRecordedFiles } from '../../shared/status/find-recorded-files.js';
import { changeWhileHeld, type HeldClaim } from '../../shared/status/hold-claim.js';
import { withoutLease, type JobLife } from '../../shared/status/job-life.js';
import type { JobStatus } from '../../shared/status/job-status.js';
import { judgeExistingFiles } from '../../shared/status/judge-existing-files.js';
import { transitionJob } from '../../shared/status/transition-job.js';

export type SkipCheck =
  { skipped: true; reason: string } | { skipped: false; lost: boolean; files: readonly unknown[] };

/**
 * Before any build: a version whose sdist and wheel the registry already holds ends the job
 * `skipped`, with the files told apart by who published them. `files` (any at all) says whether a
 * build may only come from the commit the version was published from.
 */
export async function skipPublishedVersion(
  life: JobLife,
  registry: PublishedFiles,
  claim: HeldClaim,
  {
    pkg,
    version,
    job,
    previous,
  }: { pkg: PackageConfig; version: string; job: JobStatus; previous: JobStatus | undefined },
): Promise<SkipCheck> {
  const name = expectedName(pkg);
  const files = await registry.list(name, version).catch((error: unknown) => {
    throw new TransientError(`Unable to ask the registry for ${name} ${version}`, error);
  });
  const has = (suffix: string): boolean => files.some((file) => file.filename.endsWith(suffix));
  if (!has('.whl') || !has('.tar.gz')) return { skipped: false, lost: false, files };
  const recorded = await findRecordedFiles(life.store, pkg.repository, version, previous ? [previous] : []);
  const judged = judgeExistingFiles(name, version, files, recorded);
  const reason = judged.reason + describeMovedTag(job.replaces);
  const done = await changeWhileHeld(life, claim, (current) =>
    transitionJob(
      withoutLease(current),
      'skipped',
      life.clock(),
      { reason, existingFiles: judged.existingFiles },
      reason,
    ),
  );
  return done ? { skipped: true, reason } : { skipped: false, lost: true, files };
}

function describeMovedTag(replaces: JobStatus['replaces']): string {
  const drift = replaces?.drift;
  if (!drift) return '';
  const now = drift.kind === 'moved' ? `now points at ${drift.upstreamCommit}` : 'was deleted upstream';
  return `; the tag ${now} but ${drift.recordedCommit} was built: the version is not rebuilt, tag a new one`;
}

// The name the registry is asked about before a build: the configured one, else a guess (a package of several: its folder's).
function expectedName(pkg: PackageConfig): string {
  const folder = pkg.name === undefined ? undefined : pkg.subdirectory.split('/').filter(Boolean).pop();
  return pkg.distributionName ?? folder ?? pkg.repository.split('/')[1] ?? pkg.repository;
}
