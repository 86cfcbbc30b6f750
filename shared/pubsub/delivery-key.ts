import type { PubSubMessage } from './read-pubsub-event.js';

/**
 * What tells one published message from every other, for as long as the status record lasts: its id
 * with its publish time. Pub/Sub keeps both on a redelivery, but an id alone is unique only while the
 * topic lives (the emulator counts from 1 again after each restart, over a record kept on disk).
 */
export function deliveryKey({
  messageId,
  publishTime,
}: Pick<PubSubMessage, 'messageId' | 'publishTime'>): string {
  return publishTime ? `${messageId}@${publishTime}` : messageId;
}
