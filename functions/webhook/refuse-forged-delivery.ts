import { readWebhookSecrets } from '../../shared/config/read-webhook-secrets.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { DeliveryVerifier } from '../../shared/ports/event-source.js';
import type { WebhookRequest, WebhookResponse } from './create-webhook-handler.js';

/**
 * Answers 401 to a POST whose signature matches no secret, exactly as the full handler would, and returns
 * true; otherwise returns false and leaves the request to the full handler (which checks everything again).
 */
export function refuseForgedDelivery(
  req: WebhookRequest,
  res: WebhookResponse,
  logger: Logger,
  source: DeliveryVerifier,
  secrets: readonly string[] = readWebhookSecrets(),
): boolean {
  // Size and method errors, and a missing secret, are the full handler's to answer.
  if (
    req.method !== 'POST' ||
    secrets.length === 0 ||
    !req.rawBody ||
    req.rawBody.length > source.maxBodyBytes
  )
    return false;
  const check = source.verify({ headers: req.headers, rawBody: req.rawBody }, secrets);
  if (check.success) return false;
  logger.warn('webhook answered', { status: 401, outcome: 'rejected', reason: check.error });
  res.writeHead(401, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ status: 'rejected', reason: check.error }));
  return true;
}
