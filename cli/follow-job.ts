import { setTimeout as sleep } from 'node:timers/promises';
import type { Bucket } from '@google-cloud/storage';
import type { JobId } from '../shared/contracts/job-id.js';
import { isFinal, type JobStatus } from '../shared/status/job-status.js';
import { readJobStatus } from './read-status.js';

export interface FollowOptions {
  /** Called on every change of state or build phase (and once with the first status seen). */
  onChange?: (job: JobStatus) => void;
  /** Only a run newer than this counts (a forced re-run of a final job). */
  afterAttempt?: number;
  timeoutMs?: number;
  intervalMs?: number;
}

/** Polls a job's status document until it reaches a final state; rejects with what was last seen on timeout. */
export async function followJob(bucket: Bucket, id: JobId, options: FollowOptions = {}): Promise<JobStatus> {
  const { onChange, afterAttempt = 0, timeoutMs = 300_000, intervalMs = 250 } = options;
  const deadline = Date.now() + timeoutMs;
  let seen = '';
  let last: JobStatus | undefined;
  while (Date.now() < deadline) {
    const job = await readJobStatus(bucket, id);
    if (job && job.attempt > afterAttempt) {
      last = job;
      const key = `${job.attempt}:${job.state}:${job.publishBuild?.id ?? ''}`;
      if (key !== seen) {
        seen = key;
        onChange?.(job);
      }
      if (isFinal(job.state)) return job;
    }
    await sleep(intervalMs);
  }
  throw new Error(
    `Job ${id.repository} ${id.tag} did not finish within ${Math.round(timeoutMs / 1000)} s (last state: ${last?.state ?? 'none'}). ` +
      'Check the function logs and the build log.',
  );
}
