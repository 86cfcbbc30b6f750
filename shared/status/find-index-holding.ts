import { indexObjectPath } from '../contracts/job-id.js';
import type { DocumentStore } from '../ports/document-store.js';
import { readDocument } from './read-document.js';
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
  const index = await readDocument(store, indexObjectPath(repository), RepositoryIndex);
  const held = index?.jobs.find((candidate) => candidate.path === entry.path);
  return held && JSON.stringify(held) === JSON.stringify(entry) ? index : undefined;
}
