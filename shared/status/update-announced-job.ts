import type { JobId } from '../contracts/job-id.js';
import { jobEventsOf } from '../events/job-events-of.js';
import type { Logger } from '../log/create-logger.js';
import type { DocumentStore } from '../ports/document-store.js';
import type { JobEvents } from '../ports/job-events.js';
import type { JobStatus } from './job-status.js';
import type { Change } from './update-document.js';
import { updateJob } from './update-job.js';

/**
 * updateJob, then one event per transition it stored, published on the job events topic. Published only
 * after the write (a reader never hears of a state the record lacks); a failed publish is logged at
 * ERROR, naming the events lost, and never fails the transition, which is already the record.
 */
export async function updateAnnouncedJob(
  store: DocumentStore,
  events: JobEvents | undefined,
  id: JobId,
  decide: (current: JobStatus | undefined) => Change<JobStatus>,
  now: () => Date,
  logger: Logger,
): Promise<{ job: JobStatus | undefined; changed: boolean }> {
  let before: JobStatus | undefined;
  const result = await updateJob(
    store,
    id,
    (current) => {
      // The last call is the one whose write won: its `current` is what the job was before.
      before = current;
      return decide(current);
    },
    now,
    logger,
  );
  if (!events || !result.changed || !result.job) return result;
  const announced = jobEventsOf(before, result.job);
  const outcomes = await Promise.allSettled(announced.map((event) => events.publish(event)));
  outcomes.forEach((outcome, index) => {
    if (outcome.status === 'fulfilled') return;
    const event = announced[index];
    logger.error('job event lost: the transition is recorded, but no notification will be sent for it', {
      eventId: event?.id,
      state: event?.state,
      type: event?.type,
      error: outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason),
    });
  });
  return result;
}
