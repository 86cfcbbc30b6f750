import { z } from 'zod';

const PushEnvelope = z.object({
  message: z.object({
    data: z.string().optional(),
    attributes: z.record(z.string(), z.string()).nullish(),
    messageId: z.string().optional(),
    message_id: z.string().optional(),
    publishTime: z.string().optional(),
  }),
  subscription: z.string().optional(),
  deliveryAttempt: z.number().optional(),
});

export interface PubSubMessage {
  data: Buffer;
  attributes: Record<string, string>;
  messageId: string;
  publishTime: string | undefined;
  deliveryAttempt: number | undefined;
}

/** The Pub/Sub message inside the CloudEvent that Eventarc (or functions-framework, locally) delivers. */
export function readPubSubEvent(event: { id?: string; data?: unknown }): PubSubMessage | undefined {
  const parsed = PushEnvelope.safeParse(event.data);
  if (!parsed.success) return undefined;
  const { message, deliveryAttempt } = parsed.data;
  return {
    data: Buffer.from(message.data ?? '', 'base64'),
    attributes: message.attributes ?? {},
    messageId: message.messageId ?? message.message_id ?? event.id ?? 'unknown',
    publishTime: message.publishTime,
    deliveryAttempt,
  };
}
