import type { RepositoryConfig } from '../../shared/config/repository-config.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { DocumentStore } from '../../shared/ports/document-store.js';
import type { JobEvents } from '../../shared/ports/job-events.js';
import type { JobStatus } from '../../shared/status/job-status.js';
import type { RepositoryIndex } from '../../shared/status/repository-index.js';
import { updateAnnouncedJob } from '../../shared/status/update-announced-job.js';
import type { UpstreamDrift } from '../../shared/status/upstream-source.js';
import type { UpstreamTagCommits } from '../../shared/upstream/upstream-tag-commits.js';
import type { DriftedTag, ReconcileError } from './reconcile-report.js';

export interface DriftDeps {
  store: DocumentStore;
  events?: JobEvents | undefined;
  tagCommits: UpstreamTagCommits;
  clock: () => Date;
  logger: Logger;
}

/**
 * Compares the commit each published or skipped job was built from with the one its tag points at
 * upstream now, and records on the job (and so in the index, and as a drift event) a tag that moved or
 * vanished, with both commits. A tag that points back at the built commit loses its drift. Nothing is
 * rebuilt: a published version keeps the build it has.
 */
export async function reportUpstreamDrift(
  { store, events, tagCommits, clock, logger }: DriftDeps,
  repo: RepositoryConfig,
  index: RepositoryIndex | undefined,
): Promise<{ drifted: DriftedTag[]; errors: ReconcileError[] }> {
  const built = (index?.jobs ?? []).filter(
    (entry) => entry.commit !== undefined && (entry.state === 'published' || entry.state === 'skipped'),
  );
  if (built.length === 0) return { drifted: [], errors: [] };
  let commits: Map<string, string>;
  try {
    commits = await tagCommits.commits(repo.repository);
  } catch (error) {
    return {
      drifted: [],
      errors: [{ repository: repo.repository, stage: 'upstream', message: (error as Error).message }],
    };
  }
  const drifted: DriftedTag[] = [];
  const errors: ReconcileError[] = [];
  for (const entry of built) {
    const upstream = commits.get(entry.tag);
    const unchanged = upstream === entry.commit;
    if (unchanged && !entry.drift) continue;
    // Already recorded as it is now: reported again, nothing written.
    if (!unchanged && entry.drift && entry.drift.upstreamCommit === upstream) {
      drifted.push(driftedTag(repo.repository, entry.tag, entry.drift));
      continue;
    }
    try {
      let noticed: UpstreamDrift | undefined;
      await updateAnnouncedJob(
        store,
        events,
        { repository: repo.repository, tag: entry.tag },
        (current) => {
          // Only the attempt the index saw: a job rebuilt meanwhile is measured on the next run.
          if (!current?.upstream || current.upstream.commit !== entry.commit) return { keep: true };
          noticed = driftOf(current, upstream, clock());
          if (sameDrift(noticed, current.drift)) return { keep: true };
          const { drift: _drift, ...job } = current;
          return {
            write: { ...job, ...(noticed ? { drift: noticed } : {}), updatedAt: clock().toISOString() },
          };
        },
        clock,
        logger,
      );
      if (noticed) {
        drifted.push(driftedTag(repo.repository, entry.tag, noticed));
        logger.warn('tag drifted upstream: the published version is left as it was built', {
          tag: entry.tag,
          ...noticed,
        });
      }
    } catch (error) {
      errors.push({
        repository: repo.repository,
        tag: entry.tag,
        stage: 'drift',
        message: (error as Error).message,
      });
    }
  }
  return { drifted, errors };
}

function driftOf(job: JobStatus, upstream: string | undefined, now: Date): UpstreamDrift | undefined {
  const recordedCommit = job.upstream?.commit ?? '';
  if (upstream === recordedCommit) return undefined;
  return {
    kind: upstream === undefined ? 'deleted' : 'moved',
    recordedCommit,
    ...(upstream !== undefined ? { upstreamCommit: upstream } : {}),
    noticedAt: now.toISOString(),
  };
}

function sameDrift(a: UpstreamDrift | undefined, b: UpstreamDrift | undefined): boolean {
  return (
    a?.kind === b?.kind && a?.upstreamCommit === b?.upstreamCommit && a?.recordedCommit === b?.recordedCommit
  );
}

function driftedTag(repository: string, tag: string, drift: UpstreamDrift): DriftedTag {
  return {
    repository,
    tag,
    kind: drift.kind,
    recordedCommit: drift.recordedCommit,
    ...(drift.upstreamCommit ? { upstreamCommit: drift.upstreamCommit } : {}),
  };
}
