import { badgeObjectPath, indexObjectPath, jobObjectPath, type JobId } from '../contracts/job-id.js';
import { UnreadableDocumentError } from '../errors.js';
import { silentLogger, type Logger } from '../log/create-logger.js';
import type { DocumentStore } from '../ports/document-store.js';
import { compareVersions } from '../versions/compare-versions.js';
import { JobStatus, isFinal } from './job-status.js';
import { Badge, RepositoryIndex, indexEntryOf, type IndexEntry } from './repository-index.js';
import { updateDocument, type Change } from './update-document.js';

/**
 * Moves a job's status document on with compare-and-swap, then brings the repository's index
 * and badge in line with it. Index and badge are synced even when the job is kept, so an update
 * that died between the writes is repaired by the next delivery. They follow the job document:
 * a reader may see them lag it for as long as their writes take (client retries included).
 * An unreadable job document throws UnreadableDocumentError; an unreadable index or badge is left
 * as it is and logged, since the job document is the record they only follow.
 */
export async function updateJob(
  store: DocumentStore,
  id: JobId,
  decide: (current: JobStatus | undefined) => Change<JobStatus>,
  now: () => Date,
  logger: Logger = silentLogger,
): Promise<{ job: JobStatus | undefined; changed: boolean }> {
  const path = jobObjectPath(id);
  const { value: job, changed } = await updateDocument(store, path, JobStatus, decide);
  if (job) {
    await syncIndex(store, job, path, now).catch((error: unknown) => {
      if (!(error instanceof UnreadableDocumentError)) throw error;
      logger.error('status document left alone: it is unreadable', {
        path: error.path,
        problem: error.problem,
      });
    });
  }
  return { job, changed };
}

async function syncIndex(store: DocumentStore, job: JobStatus, path: string, now: () => Date): Promise<void> {
  const entry = indexEntryOf(job, path);
  const { value: index } = await updateDocument(
    store,
    indexObjectPath(job.repository),
    RepositoryIndex,
    (current): Change<RepositoryIndex> => {
      const jobs = current?.jobs ?? [];
      const existing = jobs.find((candidate) => candidate.tag === entry.tag);
      // Never let an older view of the job overwrite a newer one written by a concurrent update.
      if (existing && (sameEntry(existing, entry) || isNewer(existing, entry))) return { keep: true };
      const others = jobs.filter((candidate) => candidate.tag !== entry.tag);
      return {
        write: {
          schemaVersion: 1,
          repository: current?.repository ?? job.repository,
          updatedAt: now().toISOString(),
          jobs: [...others, entry].sort(
            (a, b) => compareVersions(b.version, a.version) || a.tag.localeCompare(b.tag),
          ),
        },
      };
    },
  );
  // Also when the index was kept: a badge write that failed after its index write is repaired by the redelivery.
  if (index && job.state === 'published') await writeBadge(store, index, job);
}

async function writeBadge(
  store: DocumentStore,
  index: RepositoryIndex,
  job: Pick<JobStatus, 'distribution' | 'package'>,
): Promise<void> {
  // In a repository of several packages the badge shows the one just published, with that package's latest version.
  const latest = index.jobs.find((entry) => entry.state === 'published' && entry.package === job.package);
  if (!latest) return;
  const badge: Badge = {
    schemaVersion: 1,
    label: job.distribution ?? job.package ?? index.repository.split('/')[1] ?? 'pkgrelay',
    message: `v${latest.version}`,
    color: 'blue',
  };
  // A published version stays published, so the badge only moves forward: a writer holding an older
  // view of the index must not put back a version that a concurrent job has already passed.
  await updateDocument(store, badgeObjectPath(index.repository), Badge, (current): Change<Badge> => {
    if (current?.label !== badge.label) return { write: badge };
    return compareVersions(current.message.replace(/^v/, ''), latest.version) >= 0
      ? { keep: true }
      : { write: badge };
  });
}

function sameEntry(a: IndexEntry, b: IndexEntry): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isNewer(a: IndexEntry, b: IndexEntry): boolean {
  if (a.attempt !== b.attempt) return a.attempt > b.attempt;
  // Final states come last in a job's life; between equals, the later update wins.
  if (isFinal(a.state) !== isFinal(b.state)) return isFinal(a.state);
  return a.updatedAt > b.updatedAt;
}
