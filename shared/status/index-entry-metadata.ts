import type { ListedDocument } from '../ports/document-store.js';
import type { JobStatus } from './job-status.js';
import { IndexEntry, indexEntryOf } from './repository-index.js';

/** The custom metadata key of a job document that holds its index entry (without `path`, the object's name). */
export const INDEX_ENTRY_KEY = 'pkgrelay-index-entry';

const StoredEntry = IndexEntry.omit({ path: true });

/** The metadata a job document is written with, so that one listing yields the whole repository index. */
export function indexEntryMetadata(job: JobStatus, path: string): Record<string, string> {
  const { path: _name, ...entry } = indexEntryOf(job, path);
  return { [INDEX_ENTRY_KEY]: JSON.stringify(entry) };
}

/** The index entry a listed job document carries, or undefined when it has none that parses (read the document). */
export function readIndexEntryMetadata(listed: ListedDocument): IndexEntry | undefined {
  const text = listed.metadata?.[INDEX_ENTRY_KEY];
  if (text === undefined) return undefined;
  try {
    const parsed = StoredEntry.safeParse(JSON.parse(text));
    return parsed.success ? { ...parsed.data, path: listed.name } : undefined;
  } catch {
    return undefined;
  }
}
