/** The `status` word of every answer, so a person reading GitHub's "Recent Deliveries" sees what happened. */
export const AnswerStatus = ['accepted', 'ignored', 'pong', 'rejected', 'unavailable', 'error'] as const;
export type AnswerStatus = (typeof AnswerStatus)[number];

export interface AnswerBody {
  status: AnswerStatus;
  reason?: string;
  messageId?: string;
  hookId?: number;
  job?: { repository: string; tag: string; version: string; package?: string };
}

export interface WebhookAnswer {
  httpStatus: number;
  body: AnswerBody;
  headers?: Record<string, string>;
}

/** An answer with a reason, for everything but an accepted release. */
export function answer(httpStatus: number, status: AnswerStatus, reason: string): WebhookAnswer {
  return { httpStatus, body: { status, reason } };
}
