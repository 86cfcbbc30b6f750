import { PubSub } from '@google-cloud/pubsub';
import type { Bucket } from '@google-cloud/storage';
import { openStatusBucket } from '../../cli/read-status.js';
import type { StackInfo } from '../../local/stack/stack-info.js';
import { MutationRateControlPath } from '../../local/storage/route-storage-request.js';
import type { ReleaseRequest } from '../../shared/contracts/release-request.js';

/** The stack's status bucket, through the real storage client. */
export function openStackBucket(info: StackInfo): Promise<Bucket> {
  return openStatusBucket(info.storage.bucket, { apiEndpoint: info.storage.host, projectId: info.projectId });
}

/** Publishes release requests on the stack's topic in order, as `gcloud pubsub topics publish` would. */
export async function publishReleaseRequests(
  info: StackInfo,
  requests: readonly ReleaseRequest[],
): Promise<void> {
  const pubsub = new PubSub({ projectId: info.projectId, apiEndpoint: info.pubsub.host, emulatorMode: true });
  try {
    const topic = pubsub.topic(info.pubsub.topic);
    for (const request of requests) await topic.publishMessage({ json: request });
  } finally {
    await pubsub.close();
  }
}

/** The storage stand-in's per-object rate counters: writes admitted, refused with 429, and the refusals by object. */
export async function readStorageMutations(
  info: StackInfo,
): Promise<{ admitted: number; refused: number; refusedByObject: Record<string, number> }> {
  const response = await fetch(`${info.storage.host}${MutationRateControlPath}`);
  return (await response.json()) as {
    admitted: number;
    refused: number;
    refusedByObject: Record<string, number>;
  };
}
