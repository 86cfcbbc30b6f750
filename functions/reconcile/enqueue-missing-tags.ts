import { jobObjectPath } from '../../shared/contracts/job-id.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { DocumentStore } from '../../shared/ports/document-store.js';
import type { ReleaseQueue } from '../../shared/ports/release-queue.js';
import type { TagComparison } from '../../shared/upstream/find-missing-tags.js';
import type { EnqueuedTag, ReconcileError } from './reconcile-report.js';

export interface EnqueueDeps {
  store: DocumentStore;
  queue: ReleaseQueue;
  logger: Logger;
  clock: () => Date;
  /** At most this many requests per repository and run; the rest wait for the next run. */
  maxPerRepository: number;
  /** Recorded as the jobs' `source.actor`. */
  requestedBy?: string;
}

/** Enqueues a release request for each of the repository's tags (oldest first) that still has no job document. */
export async function enqueueMissingTags(
  { store, queue, logger, clock, maxPerRepository, requestedBy }: EnqueueDeps,
  repository: string,
  missing: TagComparison['missing'],
): Promise<{ enqueued: EnqueuedTag[]; errors: ReconcileError[] }> {
  const enqueued: EnqueuedTag[] = [];
  const errors: ReconcileError[] = [];
  if (missing.length > maxPerRepository) {
    logger.info('more tags missing than one run enqueues; the next run takes the rest', {
      repository,
      missing: missing.length,
      limit: maxPerRepository,
    });
  }
  for (const { tag, version, package: pkg } of missing.slice(0, maxPerRepository)) {
    try {
      // The index may lag its job documents (a sync that died): the job document has the last word.
      if (await store.read(jobObjectPath({ repository, tag }))) continue;
      const messageId = await queue.publish(
        {
          repository,
          tag,
          source: { kind: 'reconcile', ...(requestedBy ? { actor: requestedBy } : {}) },
          requestedAt: clock().toISOString(),
        },
        { source: 'reconcile' },
      );
      const of = pkg === undefined ? {} : { package: pkg };
      enqueued.push({ repository, tag, version, ...of, messageId });
      logger.info('missing tag enqueued', { repository, tag, version, ...of, messageId });
    } catch (error) {
      errors.push({ repository, tag, stage: 'enqueue', message: (error as Error).message });
    }
  }
  return { enqueued, errors };
}
