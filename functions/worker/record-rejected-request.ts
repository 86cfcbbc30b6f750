import { TransientError } from '../../shared/errors.js';
import { createDocument } from '../../shared/status/create-document.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { DocumentStore } from '../../shared/ports/document-store.js';
import type { PubSubMessage } from '../../shared/pubsub/read-pubsub-event.js';

/**
 * Keeps a malformed release request under `rejected/` before it is acknowledged, so none is lost
 * silently; create-only, so a redelivery keeps the first record.
 */
export async function recordRejectedRequest(
  { store, logger, clock }: { store: DocumentStore; logger: Logger; clock: () => Date },
  message: PubSubMessage | undefined,
  reason: string,
): Promise<{ outcome: 'rejected'; reason: string }> {
  const messageId = message?.messageId ?? `unknown-${clock().getTime()}`;
  const record = {
    messageId,
    receivedAt: clock().toISOString(),
    reason,
    attributes: message?.attributes ?? {},
    data: message?.data.toString('utf8').slice(0, 10_000),
  };
  const path = `rejected/${encodeURIComponent(messageId)}.json`;
  const created = await createDocument(store, path, record).catch((error: unknown) => {
    throw new TransientError('Unable to record a malformed release request', error);
  });
  if (created === 'exists') logger.info('malformed release request already recorded', { messageId });
  logger.warn('malformed release request recorded and acknowledged', { messageId, reason });
  return { outcome: 'rejected', reason };
}
