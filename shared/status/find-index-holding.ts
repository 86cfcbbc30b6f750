import { indexObjectPath } from '../contracts/job-id.js';
import { UnreadableDocumentError } from '../errors.js';
import type { DocumentStore } from '../ports/document-store.js';
import { describeIssues } from './describe-issues.js';
import { RepositoryIndex, type IndexEntry } from './repository-index.js';

/**
 * The repository index when it holds exactly `entry`, else undefined. A whole read of the index:
 * for a job that was kept (a redelivery), where it saves an index write; moves use the metadata.
 */
export async function findIndexHolding(
  store: DocumentStore,
  repository: string,
  entry: IndexEntry,
): Promise<RepositoryIndex | undefined> {
  const path = indexObjectPath(repository);
  const stored = await store.read(path);
  if (!stored) return undefined;
  const parsed = RepositoryIndex.safeParse(stored.data);
  if (!parsed.success)
    throw new UnreadableDocumentError(path, stored.problem ?? describeIssues(parsed.error));
  const held = parsed.data.jobs.find((candidate) => candidate.path === entry.path);
  return held && JSON.stringify(held) === JSON.stringify(entry) ? parsed.data : undefined;
}
