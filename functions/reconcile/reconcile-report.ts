import type { JobState } from '../../shared/status/job-status.js';
import type { ExistingTags } from '../../shared/upstream/plan-first-contact.js';

export interface EnqueuedTag {
  repository: string;
  tag: string;
  version: string;
  /** The package the tag belongs to, in a repository of several. */
  package?: string;
  messageId: string;
}

export interface SettledJob {
  repository: string;
  tag: string;
  attempt: number;
  /** The build settled from, and its status in Cloud Build. */
  buildId: string;
  buildStatus: string;
  /** `publish` when that build is the job's publish phase. */
  phase?: 'publish';
  /** The publish phase this run started (or adopted) because the build phase succeeded unheard. */
  publishBuildId?: string;
  from: JobState;
  to: JobState;
}

export interface ReconcileError {
  repository: string;
  tag?: string;
  stage: 'upstream' | 'token' | 'poll-state' | 'index' | 'enqueue' | 'settle' | 'drift';
  message: string;
}

/** One repository's poll in a run: listed (ok) or not (with the backoff it now waits out). */
export interface PollReport {
  repository: string;
  ok: boolean;
  /** Tags upstream, when listed. */
  upstreamTags?: number;
  consecutiveFailures: number;
  nextPollAt: string;
  error?: string;
  /** Accepted tags without a job that this poll enqueues (a dry run: would enqueue). */
  toBuild: string[];
  /** At the first poll (or a dry run before it): what happens to the tags upstream already has. */
  firstContact?: { existingTags: ExistingTags; build: string[]; left: string[] };
  /** Tags the configuration does not accept (tag pattern, prereleases). */
  ignored?: number;
}

/** What one run of reconcile did; the HTTP answer and the CLI's `--json` output. */
export interface ReconcileReport {
  enqueued: EnqueuedTag[];
  settled: SettledJob[];
  /** Published or skipped tags that now point at another commit upstream, or are gone. */
  drifted: DriftedTag[];
  errors: ReconcileError[];
  /** The repositories polled in this run; those not yet due are not listed. */
  polls: PollReport[];
  /** True when nothing was written or enqueued (`dryRun`). */
  dryRun?: boolean;
}

export interface DriftedTag {
  repository: string;
  tag: string;
  kind: 'moved' | 'deleted';
  recordedCommit: string;
  upstreamCommit?: string;
}
