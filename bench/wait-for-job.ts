import { setTimeout as sleep } from 'node:timers/promises';
import type { Bucket } from '@google-cloud/storage';
import { readJobStatus } from '../cli/read-status.js';
import type { JobId } from '../shared/contracts/job-id.js';
import { isFinal, type JobStatus } from '../shared/status/job-status.js';

/** Polls a job's status document every `intervalMs` until it is final; fine-grained, unlike the CLI's follow. */
export async function waitForJob(
  bucket: Bucket,
  id: JobId,
  { intervalMs = 50, timeoutMs = 300_000 } = {},
): Promise<JobStatus> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const job = await readJobStatus(bucket, id);
    if (job && isFinal(job.state)) return job;
    await sleep(intervalMs);
  }
  throw new Error(`job ${id.repository} ${id.tag} did not finish within ${timeoutMs} ms`);
}
