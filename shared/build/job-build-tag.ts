import { createHash } from 'node:crypto';
import { jobKey, type JobId } from '../contracts/job-id.js';

/** The build tag that names a job: Cloud Build tags cannot hold `/`, so a digest of the job identity. */
export function jobBuildTag(id: JobId): string {
  return `job-${createHash('sha256').update(jobKey(id)).digest('hex').slice(0, 24)}`;
}
