import { jobsPrefix } from '../contracts/job-id.js';
import type { Logger } from '../log/create-logger.js';
import type { DocumentStore, ListedDocument } from '../ports/document-store.js';
import { describeIssues } from './describe-issues.js';
import { readIndexEntryMetadata } from './index-entry-metadata.js';
import { JobStatus } from './job-status.js';
import type { IndexFold } from './index-fold.js';
import { indexEntryOf, type IndexEntry, type RepositoryIndex } from './repository-index.js';
import { createVersionRanks } from './rank-versions.js';

const READ_CONCURRENCY = 8;

/**
 * The repository index as the job documents say it now: one listing of `jobs/<repository>/`, each
 * entry from the metadata its document was written with (listings are strongly consistent, so every
 * write that finished before is in it). A document without that metadata is read; one that does not
 * parse keeps its previous entry, since the document is the record and the index only follows it.
 * With a fold, entries of documents whose generation it holds are taken from it, and it keeps this
 * listing's entries for the next call: past the listing, the work is on what changed.
 */
export async function deriveRepositoryIndex(
  store: DocumentStore,
  repository: string,
  previous: RepositoryIndex | undefined,
  at: Date,
  logger: Logger,
  fold?: Pick<IndexFold, 'entries' | 'ranks'>,
): Promise<RepositoryIndex> {
  const listed = await store.listDocuments(jobsPrefix(repository));
  const before = new Map(previous?.jobs.map((entry) => [entry.path, entry]));
  const held = (document: ListedDocument): IndexEntry | undefined => {
    const kept = fold?.entries.get(document.name);
    return kept?.generation === document.generation ? kept.entry : undefined;
  };
  const entries: Array<IndexEntry | undefined> = listed.map(
    (document) => held(document) ?? readIndexEntryMetadata(document),
  );
  const unread = listed.flatMap((document, i) => (entries[i] ? [] : [i]));
  const unreadable = new Set<number>();
  for (let start = 0; start < unread.length; start += READ_CONCURRENCY) {
    await Promise.all(
      unread.slice(start, start + READ_CONCURRENCY).map(async (i) => {
        const document = listed[i] as ListedDocument;
        entries[i] = await readEntry(store, document, before, logger);
        if (entries[i] !== undefined && entries[i] === before.get(document.name)) unreadable.add(i);
      }),
    );
  }
  if (fold) {
    // Only what a generation says: an entry kept from before for an unreadable document is not.
    fold.entries = new Map(
      listed.flatMap((document, i) => {
        const entry = entries[i];
        return entry && !unreadable.has(i)
          ? [[document.name, { generation: document.generation, entry }] as const]
          : [];
      }),
    );
  }
  const present = entries.filter((entry): entry is IndexEntry => entry !== undefined);
  const ranks = (fold?.ranks ?? createVersionRanks()).rank(present.map((entry) => entry.version));
  const rankOf = (entry: IndexEntry): number => ranks.get(entry.version) ?? -1;
  return {
    schemaVersion: 1,
    repository: previous?.repository ?? repository,
    updatedAt: at.toISOString(),
    jobs: present.sort((a, b) => rankOf(b) - rankOf(a) || a.tag.localeCompare(b.tag)),
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
