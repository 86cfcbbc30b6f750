import type { Release } from '../../shared/config/decide-release.js';
import type { ReleaseRequest } from '../../shared/contracts/release-request.js';
import type { ReadDelivery } from '../../shared/ports/event-source.js';
import type { ReleaseQueue } from '../../shared/ports/release-queue.js';
import { publishWithRetry, type RetryOptions } from './publish-with-retry.js';
import type { WebhookAnswer } from './webhook-answer.js';

/**
 * Queues the release request of a decided release and answers for it: 202 once Pub/Sub holds it, 503 (the sender
 * redelivers by hand) when the budget ran out first. Nothing is accepted before it is queued.
 */
export async function queueRelease(
  queue: ReleaseQueue,
  release: Release,
  { deliveryId, event }: Pick<ReadDelivery, 'deliveryId' | 'event'>,
  retry: RetryOptions,
  redeliverHint: string,
): Promise<WebhookAnswer> {
  // Valid by construction: the repository is the configured one, decideRelease checked the tag as
  // TagName does, and the header lengths are checked on admission; no second validation on every delivery.
  const request: ReleaseRequest = {
    repository: release.repository,
    tag: release.tag,
    source: { kind: 'webhook', deliveryId, event },
  };
  const job = {
    repository: release.repository,
    tag: release.tag,
    version: release.version.normalized,
    ...(release.package === undefined ? {} : { package: release.package }),
  };
  const outcome = await publishWithRetry(
    queue,
    request,
    { deliveryId, event, repository: job.repository },
    retry,
  );
  if (outcome.success) {
    return { httpStatus: 202, body: { status: 'accepted', messageId: outcome.data.messageId, job } };
  }
  const { attempts, cause } = outcome.error;
  const tries = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
  return {
    httpStatus: 503,
    body: {
      status: 'unavailable',
      reason: `the release request could not be queued after ${tries} (${errorMessage(cause)}); nothing was published: ${redeliverHint}`,
      job,
    },
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
