import type { JobEvent } from '../events/job-event.js';

/** Where job events go: topic pkgrelay-job-events in production and on the local stack. */
export interface JobEvents {
  /** Resolves once Pub/Sub has accepted the event; rejects otherwise. */
  publish(event: JobEvent): Promise<void>;
}
