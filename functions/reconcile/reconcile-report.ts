import type { JobState } from '../../shared/status/job-status.js';

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
  buildId: string;
  buildStatus: string;
  from: JobState;
  to: JobState;
}

export interface ReconcileError {
  repository: string;
  tag?: string;
  stage: 'upstream' | 'index' | 'enqueue' | 'settle' | 'drift';
  message: string;
}

/** What one run of reconcile did; the HTTP answer and the CLI's `--json` output. */
export interface ReconcileReport {
  enqueued: EnqueuedTag[];
  settled: SettledJob[];
  /** Published or skipped tags that now point at another commit upstream, or are gone. */
  drifted: DriftedTag[];
  errors: ReconcileError[];
}

export interface DriftedTag {
  repository: string;
  tag: string;
  kind: 'moved' | 'deleted';
  recordedCommit: string;
  upstreamCommit?: string;
}
