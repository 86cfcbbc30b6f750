import { JobEvent } from '../../shared/events/job-event.js';
import { TransientError } from '../../shared/errors.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { DocumentStore } from '../../shared/ports/document-store.js';
import { readPubSubEvent } from '../../shared/pubsub/read-pubsub-event.js';
import { createDocument } from '../../shared/status/create-document.js';
import { createNotificationRequest, type NotificationRequest } from './create-notification-request.js';
import type { ResolvedEndpoint } from './resolve-endpoints.js';
import { routeJobEvent } from './route-job-event.js';
import { isPermanentRefusal, sendNotification, type SendResult } from './send-notification.js';

export interface NotifierDeps {
  endpoints: readonly ResolvedEndpoint[];
  /** Keeps one record per event and endpoint delivered, so a retry tells only the endpoints that failed. */
  store: DocumentStore;
  logger: Logger;
  send?: (request: NotificationRequest) => Promise<SendResult>;
  clock?: () => Date;
}

export type NotifierOutcome =
  { outcome: 'ignored'; reason: string } | { outcome: 'delivered'; endpoints: string[]; refused: string[] };

/** The object that records one event's delivery to one endpoint. */
export function deliveryPath(eventId: string, endpoint: string): string {
  return `notifications/${encodeURIComponent(eventId)}/${endpoint}.json`;
}

/**
 * The notifier: one job event in, one POST per endpoint that wants it. An endpoint that fails for a
 * while (network, 5xx, 408, 429) makes it throw, so Pub/Sub redelivers with backoff and, past the
 * subscription's attempts, dead-letters the event; an endpoint that refuses for good (other 4xx) is
 * logged at ERROR and not retried. Endpoints already told (a record exists) are not told again.
 */
export function createNotifierHandler({
  endpoints,
  store,
  logger,
  send = sendNotification,
  clock = () => new Date(),
}: NotifierDeps): (event: { id?: string; data?: unknown }) => Promise<NotifierOutcome> {
  return async (cloudEvent) => {
    const message = readPubSubEvent(cloudEvent);
    const parsed = message ? JobEvent.safeParse(parseJson(message.data)) : undefined;
    if (!parsed?.success) {
      logger.warn('job event ignored: it is not one', { messageId: message?.messageId });
      return { outcome: 'ignored', reason: 'not a job event' };
    }
    const event = parsed.data;
    const targets = routeJobEvent(event, endpoints);
    if (targets.length === 0) return { outcome: 'ignored', reason: 'no endpoint wants it' };
    const log = logger.child({ eventId: event.id, repository: event.repository, tag: event.tag });
    const results = await Promise.all(
      targets.map(async (endpoint) => ({
        endpoint,
        result: await deliver(event, endpoint, message?.deliveryAttempt, log),
      })),
    );
    const failed = results.filter(({ result }) => result === 'retry').map(({ endpoint }) => endpoint.name);
    if (failed.length) {
      throw new TransientError(
        `Unable to notify ${failed.join(', ')} of ${event.id}`,
        'the endpoint did not accept it',
      );
    }
    return {
      outcome: 'delivered',
      endpoints: results.filter(({ result }) => result === 'delivered').map(({ endpoint }) => endpoint.name),
      refused: results.filter(({ result }) => result === 'refused').map(({ endpoint }) => endpoint.name),
    };
  };

  async function deliver(
    event: JobEvent,
    endpoint: ResolvedEndpoint,
    deliveryAttempt: number | undefined,
    log: Logger,
  ): Promise<'delivered' | 'refused' | 'retry'> {
    const path = deliveryPath(event.id, endpoint.name);
    const told = await store.read(path);
    if (told) return recordedOutcome(told.data);
    const result = await send(createNotificationRequest(event, endpoint));
    const fields = {
      endpoint: endpoint.name,
      format: endpoint.format,
      status: result.status,
      deliveryAttempt,
    };
    const record = { eventId: event.id, endpoint: endpoint.name, status: result.status };
    if (result.status >= 200 && result.status < 300) {
      await createDocument(store, path, { ...record, at: clock().toISOString() });
      log.info('notification delivered', fields);
      return 'delivered';
    }
    if (isPermanentRefusal(result.status)) {
      await createDocument(store, path, { ...record, refused: result.body, at: clock().toISOString() });
      log.error('notification refused; it is not retried: check the endpoint\u2019s URL and secret', {
        ...fields,
        answer: result.body,
      });
      return 'refused';
    }
    log.warn('notification failed; Pub/Sub will retry it', { ...fields, answer: result.body });
    return 'retry';
  }
}

// A redelivery reports an endpoint as its first delivery recorded it: told, or refused for good.
function recordedOutcome(record: unknown): 'delivered' | 'refused' {
  return typeof record === 'object' && record !== null && 'refused' in record ? 'refused' : 'delivered';
}

function parseJson(data: Buffer): unknown {
  try {
    return JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
}
