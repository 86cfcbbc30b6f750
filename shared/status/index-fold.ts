import type { DocumentStore } from '../ports/document-store.js';
import type { IndexEntry, RepositoryIndex } from './repository-index.js';
import { createVersionRanks, type VersionRanks } from './rank-versions.js';

/**
 * What one instance keeps of a repository's index between its writes, so a write costs one listing
 * and the work on what changed: entries by job document generation (a generation's metadata never
 * changes), the index it last wrote or read by generation, the version order, and the write under
 * way (a waiter of this instance awaits it rather than list the same objects beside it).
 */
export interface IndexFold {
  entries: Map<string, { generation: string; entry: IndexEntry }>;
  last: { generation: string; index: RepositoryIndex } | undefined;
  ranks: VersionRanks;
  writing: Promise<unknown> | undefined;
}

const folds = new WeakMap<DocumentStore, Map<string, IndexFold>>();

/** This instance's fold of `repository`'s index over `store`, made empty on first use. */
export function indexFoldOf(store: DocumentStore, repository: string): IndexFold {
  let byRepository = folds.get(store);
  if (!byRepository) folds.set(store, (byRepository = new Map()));
  const key = repository.toLowerCase();
  let fold = byRepository.get(key);
  if (!fold) {
    fold = { entries: new Map(), last: undefined, ranks: createVersionRanks(), writing: undefined };
    byRepository.set(key, fold);
  }
  return fold;
}
