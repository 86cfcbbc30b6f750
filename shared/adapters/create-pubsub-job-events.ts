import type { JobEvent } from '../events/job-event.js';
import type { JobEvents } from '../ports/job-events.js';
import { openPubSubTopic, type PubSubTopicOptions } from './open-pubsub-topic.js';

/** JobEvents on topic pkgrelay-job-events; attributes let a subscription filter by repository, type or state. */
export function createPubSubJobEvents(options: PubSubTopicOptions): JobEvents {
  const topic = openPubSubTopic(options);
  return {
    async publish(event: JobEvent): Promise<void> {
      const attributes = {
        repository: event.repository.toLowerCase(),
        type: event.type,
        state: event.state,
        eventId: event.id,
      };
      await (await topic()).publishMessage({ data: Buffer.from(JSON.stringify(event)), attributes });
    },
  };
}
