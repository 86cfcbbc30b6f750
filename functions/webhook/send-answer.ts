import type { Logger } from '../../shared/log/create-logger.js';
import type { WebhookResponse } from './create-webhook-handler.js';
import type { WebhookAnswer } from './webhook-answer.js';

/** Logs the answer at the severity its status calls for (5xx ERROR, 4xx WARNING) and sends it as JSON. */
export function sendAnswer(res: WebhookResponse, log: Logger, result: WebhookAnswer): void {
  const fields = {
    status: result.httpStatus,
    outcome: result.body.status,
    reason: result.body.reason,
    job: result.body.job,
  };
  if (result.httpStatus >= 500) log.error('webhook answered', fields);
  else if (result.httpStatus >= 400) log.warn('webhook answered', fields);
  else log.info('webhook answered', { ...fields, messageId: result.body.messageId });
  res.writeHead(result.httpStatus, {
    'content-type': 'application/json; charset=utf-8',
    ...result.headers,
  });
  res.end(JSON.stringify(result.body));
}
