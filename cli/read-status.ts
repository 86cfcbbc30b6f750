import type { Bucket } from '@google-cloud/storage';
import { indexObjectPath, jobObjectPath, type JobId } from '../shared/contracts/job-id.js';
import { JobStatus } from '../shared/status/job-status.js';
import { RepositoryIndex } from '../shared/status/repository-index.js';

/** Opens the status bucket with the real client: the local stand-in's endpoint, or Google's when none is given. */
export async function openStatusBucket(
  bucket: string,
  options: {
    apiEndpoint?: string;
    projectId?: string;
    retryOptions?: { autoRetry?: boolean; maxRetries?: number; totalTimeout?: number };
  } = {},
) {
  const { Storage } = await import('@google-cloud/storage');
  return new Storage({ ...options }).bucket(bucket);
}

/** A job's status document, or undefined when there is none (yet). */
export async function readJobStatus(bucket: Bucket, id: JobId): Promise<JobStatus | undefined> {
  return readJson(bucket, jobObjectPath(id), JobStatus);
}

/** A repository's index of jobs, or undefined when it has none. */
export async function readRepositoryIndex(
  bucket: Bucket,
  repository: string,
): Promise<RepositoryIndex | undefined> {
  return readJson(bucket, indexObjectPath(repository), RepositoryIndex);
}

async function readJson<T>(
  bucket: Bucket,
  path: string,
  schema: { parse(value: unknown): T },
): Promise<T | undefined> {
  try {
    const [contents] = await bucket.file(path).download();
    return schema.parse(JSON.parse(contents.toString('utf8')));
  } catch (error) {
    if ((error as { code?: number }).code === 404) return undefined;
    throw error;
  }
}
