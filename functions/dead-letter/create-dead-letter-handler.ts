import { parseReleaseRequest } from '../../shared/contracts/release-request.js';
import { TransientError, UnreadableDocumentError } from '../../shared/errors.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { DocumentStore } from '../../shared/ports/document-store.js';
import type { JobEvents } from '../../shared/ports/job-events.js';
import { readPubSubEvent } from '../../shared/pubsub/read-pubsub-event.js';
import { failJob } from '../../shared/status/fail-job.js';
import { createDocument } from '../../shared/status/create-document.js';
import { isFinal, type JobStatus } from '../../shared/status/job-status.js';

export interface DeadLetterDeps {
  store: DocumentStore;
  /** Where each transition is announced; unset, none is. */
  events?: JobEvents | undefined;
  logger: Logger;
  clock?: () => Date;
}

export type DeadLetterOutcome =
  | { outcome: 'failed'; path: string }
  | { outcome: 'left'; reason: string }
  | { outcome: 'recorded'; path: string };

/** The object that keeps a dead-lettered message, whether or not its job is known. */
export function deadLetterPath(messageId: string): string {
  return `dead-letters/${encodeURIComponent(messageId)}.json`;
}

/**
 * Takes what exhausted its delivery attempts on `pkgrelay-releases`: keeps the message under
 * `dead-letters/`, and marks its job `failed` with DEAD_LETTERED unless a build already carries it
 * or it has ended. It throws only when the store cannot be written, so nothing is dropped.
 */
export function createDeadLetterHandler({
  store,
  events,
  logger,
  clock = () => new Date(),
}: DeadLetterDeps): (event: { id?: string; data?: unknown }) => Promise<DeadLetterOutcome> {
  return async (event) => {
    const message = readPubSubEvent(event);
    const messageId = message?.messageId ?? event.id ?? `unknown-${clock().getTime()}`;
    const attributes = message?.attributes ?? {};
    const attempts = attributes['CloudPubSubDeadLetterSourceDeliveryCount'] ?? 'its';
    const subscription = attributes['CloudPubSubDeadLetterSourceSubscription'] ?? 'the worker subscription';
    const cause =
      `the release request failed ${attempts} delivery attempts on ${subscription}` +
      ' (the worker kept answering with an error: see its log for this message id)';
    const parsed = message ? parseReleaseRequest(message.data) : undefined;
    const job = parsed?.success ? { repository: parsed.data.repository, tag: parsed.data.tag } : undefined;
    const path = deadLetterPath(messageId);
    const record = {
      messageId,
      receivedAt: clock().toISOString(),
      cause,
      ...(job
        ? { job }
        : { reason: parsed && !parsed.success ? parsed.error : 'no Pub/Sub message in the event' }),
      attributes,
      data: message?.data.toString('utf8').slice(0, 10_000) ?? '',
    };
    try {
      // Create-only: a redelivered dead letter keeps its first record.
      await createDocument(store, path, record);
      if (!job) {
        logger.error('dead letter of an unknown job recorded', { messageId, path });
        return { outcome: 'recorded', path };
      }
      const failure = {
        code: 'DEAD_LETTERED' as const,
        message: `${cause}; fix the cause, then publish the request again with "force": true (message ${messageId})`,
      };
      const result = await failJob({ store, events, clock, logger }, job, failure, { leave: whyLeave });
      const log = logger.child({ ...job, messageId });
      if (!result.failed) {
        log.warn('dead letter recorded; the job is left as it is', { reason: result.reason, path });
        return { outcome: 'left', reason: result.reason };
      }
      log.error('job failed: its release request was dead-lettered', { cause, path });
      return { outcome: 'failed', path };
    } catch (error) {
      // The message is kept under dead-letters/; the unreadable job is left for a person.
      if (error instanceof UnreadableDocumentError) {
        logger.error('dead letter recorded; the job is left alone: its status document is unreadable', {
          messageId,
          path: error.path,
          problem: error.problem,
        });
        return { outcome: 'left', reason: error.message };
      }
      throw error instanceof TransientError
        ? error
        : new TransientError(`Unable to record dead letter ${messageId}`, error);
    }
  };
}

// A final job told its own story already; a recorded build will still report how it ends.
function whyLeave(current: JobStatus | undefined): string {
  if (!current) return '';
  if (isFinal(current.state)) return `the job is already ${current.state}`;
  if (current.build) return `build ${current.build.id} carries the job`;
  return '';
}
