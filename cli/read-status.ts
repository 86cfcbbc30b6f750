import type { Bucket } from '@google-cloud/storage';
import type { z } from 'zod';
import { indexObjectPath, jobObjectPath, type JobId } from '../shared/contracts/job-id.js';
import { UnreadableDocumentError } from '../shared/errors.js';
import { describeIssues } from '../shared/status/describe-issues.js';
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

/** A job's status document, or undefined when there is none (yet); UnreadableDocumentError when it fails its schema. */
export async function readJobStatus(bucket: Bucket, id: JobId): Promise<JobStatus | undefined> {
  return readJson(bucket, jobObjectPath(id), JobStatus);
}

/** A repository's index of jobs, or undefined when it has none; UnreadableDocumentError when it fails its schema. */
export async function readRepositoryIndex(
  bucket: Bucket,
  repository: string,
): Promise<RepositoryIndex | undefined> {
  return readJson(bucket, indexObjectPath(repository), RepositoryIndex);
}

/** A document read with its schema, as the functions read it: one that fails it is unreadable, never absent. */
export async function readJson<T>(
  bucket: Bucket,
  path: string,
  schema: z.ZodType<T>,
): Promise<T | undefined> {
  let contents: Buffer;
  try {
    [contents] = await bucket.file(path).download();
  } catch (error) {
    if ((error as { code?: number }).code === 404) return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(contents.toString('utf8'));
  } catch (error) {
    throw new UnreadableDocumentError(path, `not JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new UnreadableDocumentError(path, describeIssues(parsed.error));
  return parsed.data;
}
