import { badgeObjectPath } from '../contracts/job-id.js';
import type { DocumentStore } from '../ports/document-store.js';
import { compareVersions } from '../versions/compare-versions.js';
import { Badge, type RepositoryIndex } from './repository-index.js';
import { updateDocument, type Change } from './update-document.js';

/**
 * The badge an index implies: the package published last (a repository of several packages shows
 * the one that moved), with that package's highest published version. Undefined before any publish.
 */
export function badgeOf(index: RepositoryIndex): Badge | undefined {
  const published = index.jobs.filter((entry) => entry.state === 'published');
  const last = published.reduce<(typeof published)[number] | undefined>(
    (newest, entry) => (!newest || entry.updatedAt > newest.updatedAt ? entry : newest),
    undefined,
  );
  if (!last) return undefined;
  // Entries are sorted newest version first, so the first of the package is its latest.
  const latest = published.find((entry) => entry.package === last.package) ?? last;
  return {
    schemaVersion: 1,
    label: latest.distribution ?? latest.package ?? index.repository.split('/')[1] ?? 'pkgrelay',
    message: `v${latest.version}`,
    color: 'blue',
  };
}

/** True when the stored badge already says what `badge` says, or a later version of the same label. */
export function badgeShows(current: Badge | undefined, badge: Badge): boolean {
  if (current?.label !== badge.label) return false;
  return compareVersions(current.message.replace(/^v/, ''), badge.message.replace(/^v/, '')) >= 0;
}

/** Writes a repository's badge, unless the stored one shows it already; returns whether it wrote. */
export async function writeBadge(store: DocumentStore, repository: string, badge: Badge): Promise<boolean> {
  // A published version stays published, so the badge only moves forward: a writer holding an older
  // view of the index must not put back a version that a concurrent job has already passed.
  const { changed } = await updateDocument(
    store,
    badgeObjectPath(repository),
    Badge,
    (current): Change<Badge> => (badgeShows(current, badge) ? { keep: true } : { write: badge }),
  );
  return changed;
}
