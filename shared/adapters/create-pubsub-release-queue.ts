import type { ReleaseRequest } from '../contracts/release-request.js';
import type { ReleaseQueue } from '../ports/release-queue.js';
import { openPubSubTopic, type PubSubTopicOptions } from './open-pubsub-topic.js';

/** A ReleaseQueue on a Pub/Sub topic; the client library is loaded on the first publish, not at cold start. */
export function createPubSubReleaseQueue(options: PubSubTopicOptions): ReleaseQueue {
  const topic = openPubSubTopic(options);
  return {
    async publish(request: ReleaseRequest, attributes: Record<string, string> = {}): Promise<string> {
      const data = Buffer.from(JSON.stringify(request));
      return (await topic()).publishMessage({ data, attributes });
    },
  };
}
