import type { Bucket } from '@google-cloud/storage';
import { createPubSubReleaseQueue } from '../shared/adapters/create-pubsub-release-queue.js';
import type { ReleaseQueue } from '../shared/ports/release-queue.js';
import { openStatusBucket } from './read-status.js';
import type { Target } from './resolve-target.js';

/** The status bucket of the target, with few retries so an unreachable one fails in seconds. */
export function openTargetBucket(target: Target): Promise<Bucket> {
  return openStatusBucket(target.bucket, {
    projectId: target.projectId,
    ...(target.kind === 'local' ? { apiEndpoint: target.storageHost } : {}),
    retryOptions: { autoRetry: true, maxRetries: 2, totalTimeout: 15 },
  });
}

/** The releases topic of the target, as a ReleaseQueue. */
export function openTargetQueue(target: Target): ReleaseQueue {
  return createPubSubReleaseQueue({
    projectId: target.projectId,
    topic: target.topic,
    ...(target.kind === 'local' ? { apiEndpoint: target.pubsubHost } : {}),
  });
}
