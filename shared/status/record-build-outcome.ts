import type { BuildOutcome } from '../build/describe-build-outcome.js';
import type { JobId } from '../contracts/job-id.js';
import { recordProvenance, type RecordResult } from '../provenance/record-provenance.js';
import { applyBuildOutcome, type OutcomeBuild } from './apply-build-outcome.js';
import { changeJob, type JobLife } from './job-life.js';
import type { JobStatus } from './job-status.js';
import { judgeForwardMove } from './judge-forward-move.js';

/** Why a build changes nothing; `foreign` when it is not the job's own build (worth a WARNING). */
export interface Refusal {
  reason: string;
  foreign: boolean;
}

/** A build's outcome as its caller learnt it: from a notification, or from Cloud Build itself. */
export interface BuildReport {
  build: OutcomeBuild;
  outcome: Exclude<BuildOutcome, { state: 'unknown' }>;
  /** The Build resource, or a `cloud-builds` notification's bytes: the provenance is read from it. */
  resource: unknown;
  /** Who moved the job, written before the history note (e.g. "settled by reconcile"). */
  by?: string;
}

export interface OutcomeLife extends JobLife {
  /** Cloud Build's `builds.get`: the build phase of a job that a publish phase published. */
  readBuild: (id: string) => Promise<unknown>;
}

export interface RecordedOutcome {
  job: JobStatus | undefined;
  changed: boolean;
  /** Why the winning look at the job changed nothing; undefined when it changed. */
  refusal: Refusal | undefined;
  provenance: RecordResult;
}

/**
 * Records what a build's outcome means for its job in one compare-and-swap: nothing when `judge` says
 * the build is not the job's or the move would go backwards (statuses only move forward), else the
 * job as applyBuildOutcome leaves it. Then the provenance of a job the build published, also when
 * nothing changed: a second look repairs a statement whose write failed.
 */
export async function recordBuildOutcome(
  life: OutcomeLife,
  id: JobId,
  report: BuildReport,
  judge: (current: JobStatus) => Refusal | undefined,
): Promise<RecordedOutcome> {
  let refusal: Refusal | undefined;
  const { job, changed } = await changeJob(life, id, (current) => {
    refusal = current ? (judge(current) ?? backwards(current, report)) : refuse('no job has this build');
    if (refusal || !current) return { keep: true };
    return { write: applyBuildOutcome(current, report.build, report.outcome, life.clock(), report.by) };
  });
  const provenance = await recordProvenance(life.store, job, report.resource, life.readBuild);
  return { job, changed, refusal, provenance };
}

function backwards(current: JobStatus, { outcome }: BuildReport): Refusal | undefined {
  const reason = judgeForwardMove(current, outcome.state);
  return reason ? refuse(reason) : undefined;
}

function refuse(reason: string): Refusal {
  return { reason, foreign: false };
}
