import { jobsPrefix } from '../contracts/job-id.js';
import type { Logger } from '../log/create-logger.js';
import type { DocumentStore, ListedDocument } from '../ports/document-store.js';
import { compareVersions } from '../versions/compare-versions.js';
import { describeIssues } from './describe-issues.js';
import { readIndexEntryMetadata } from './index-entry-metadata.js';
import { JobStatus } from './job-status.js';
import { indexEntryOf, type IndexEntry, type RepositoryIndex } from './repository-index.js';

const READ_CONCURRENCY = 8;

/**
 * The repository index as the job documents say it now: one listing of `jobs/<repository>/`, each
 * entry from the metadata its document was written with (listings are strongly consistent, so every
 * write that finished before is in it). A document without that metadata is read; one that does not
 * parse keeps its previous entry, since the document is the record and the index only follows it.
 */
export async function deriveRepositoryIndex(
  store: DocumentStore,
  repository: string,
  previous: RepositoryIndex | undefined,
  at: Date,
  logger: Logger,
): Promise<RepositoryIndex> {
  const listed = await store.listDocuments(jobsPrefix(repository));
  const before = new Map(previous?.jobs.map((entry) => [entry.path, entry]));
  const entries: Array<IndexEntry | undefined> = listed.map(readIndexEntryMetadata);
  const unread = listed.flatMap((document, i) => (entries[i] ? [] : [i]));
  for (let start = 0; start < unread.length; start += READ_CONCURRENCY) {
    await Promise.all(
      unread.slice(start, start + READ_CONCURRENCY).map(async (i) => {
        entries[i] = await readEntry(store, listed[i] as ListedDocument, before, logger);
      }),
    );
  }
  return {
    schemaVersion: 1,
    repository: previous?.repository ?? repository,
    updatedAt: at.toISOString(),
    jobs: entries
      .filter((entry): entry is IndexEntry => entry !== undefined)
      .sort((a, b) => compareVersions(b.version, a.version) || a.tag.localeCompare(b.tag)),
  };
}

async function readEntry(
  store: DocumentStore,
  { name }: ListedDocument,
  before: Map<string, IndexEntry>,
  logger: Logger,
): Promise<IndexEntry | undefined> {
  const stored = await store.read(name);
  if (!stored) return undefined;
  const parsed = JobStatus.safeParse(stored.data);
  if (parsed.success) return indexEntryOf(parsed.data, name);
  logger.error('status document left out of the index update: it is unreadable', {
    path: name,
    problem: stored.problem ?? describeIssues(parsed.error),
  });
  return before.get(name);
}
