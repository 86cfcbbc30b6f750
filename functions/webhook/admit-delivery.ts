import type { IncomingHttpHeaders } from 'node:http';
import type { Result } from '../../shared/contracts/result.js';
import type { EventSource, ReadDelivery } from '../../shared/ports/event-source.js';
import type { WebhookRequest } from './create-webhook-handler.js';
import { answer, type WebhookAnswer } from './webhook-answer.js';

/**
 * The checks before anything is looked up, cheapest first: the size (413), the method (405), the signature (401),
 * then the source's reading of the delivery (400/415). What passes is a delivery of the source, signed by a holder of
 * one of the secrets.
 */
export function admitDelivery(
  req: WebhookRequest,
  source: EventSource,
  secrets: readonly string[],
  maxBodyBytes: number,
): Result<ReadDelivery, WebhookAnswer> {
  const declared = Number(header(req.headers, 'content-length') ?? 0);
  const raw = req.rawBody ?? Buffer.alloc(0);
  if (declared > maxBodyBytes || raw.length > maxBodyBytes) {
    return refused(
      answer(413, 'rejected', `the body is larger than ${source.name}'s ${maxBodyBytes} byte limit`),
    );
  }
  if (req.method !== 'POST') {
    return refused({
      ...answer(405, 'rejected', `method ${req.method} is not allowed; ${source.name} POSTs deliveries`),
      headers: { allow: 'POST' },
    });
  }
  const delivery = { headers: req.headers, rawBody: raw, body: req.body };
  const signature = source.verify(delivery, secrets);
  if (!signature.success) return refused(answer(401, 'rejected', signature.error));
  const read = source.read(delivery);
  if (!read.success) return refused(answer(read.error.httpStatus, 'rejected', read.error.reason));
  return read;
}

function refused(error: WebhookAnswer): Result<never, WebhookAnswer> {
  return { success: false, error };
}

// Node joins repeated headers into one string, except a few it keeps as arrays.
function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
