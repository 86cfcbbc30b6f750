import { indexObjectPath } from '../contracts/job-id.js';
import type { DocumentStore } from '../ports/document-store.js';
import { normalizeVersion } from '../registry/normalize-version.js';
import { JobStatus } from './job-status.js';
import { RepositoryIndex } from './repository-index.js';

/** A file pkgrelay recorded publishing (or finding, by the same digest), by sha256, with the job that recorded it. */
export type RecordedFiles = Map<string, { tag: string; filename: string }>;

/**
 * The files the repository's jobs of this version recorded, read from the index and their job documents,
 * plus those of `extra` (a job's previous attempt, whose artifacts a forced claim has just replaced).
 * Documents that cannot be read add nothing: a file they would vouch for then counts as from elsewhere.
 */
export async function findRecordedFiles(
  store: DocumentStore,
  repository: string,
  version: string,
  extra: readonly JobStatus[] = [],
): Promise<RecordedFiles> {
  const wanted = normalizeVersion(version);
  const recorded: RecordedFiles = new Map();
  const add = (job: JobStatus): void => {
    if (normalizeVersion(job.version) !== wanted) return;
    for (const artifact of job.artifacts)
      recorded.set(artifact.sha256, { tag: job.tag, filename: artifact.filename });
  };
  extra.forEach(add);
  const index = RepositoryIndex.safeParse((await store.read(indexObjectPath(repository)))?.data);
  if (!index.success) return recorded;
  const entries = index.data.jobs.filter(
    (entry) => normalizeVersion(entry.version) === wanted && ['published', 'skipped'].includes(entry.state),
  );
  for (const entry of entries) {
    const job = JobStatus.safeParse((await store.read(entry.path))?.data);
    if (job.success) add(job.data);
  }
  return recorded;
}
