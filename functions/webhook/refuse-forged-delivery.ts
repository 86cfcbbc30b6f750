import { readWebhookSecrets } from '../../shared/config/read-webhook-secrets.js';
import { SIGNATURE_HEADER, verifySignature } from '../../shared/github/verify-signature.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { WebhookRequest, WebhookResponse } from './create-webhook-handler.js';
import { MAX_BODY_BYTES } from './max-body-bytes.js';

/**
 * Answers 401 to a POST whose signature matches no secret, exactly as the full handler would, and returns
 * true; otherwise returns false and leaves the request to the full handler (which checks everything again).
 */
export function refuseForgedDelivery(
  req: WebhookRequest,
  res: WebhookResponse,
  logger: Logger,
  secrets: readonly string[] = readWebhookSecrets(),
): boolean {
  // Size and method errors, and a missing secret, are the full handler's to answer.
  if (req.method !== 'POST' || secrets.length === 0 || !req.rawBody || req.rawBody.length > MAX_BODY_BYTES)
    return false;
  const signature = req.headers[SIGNATURE_HEADER];
  const check = verifySignature(
    req.rawBody,
    Array.isArray(signature) ? signature.join(', ') : signature,
    secrets,
  );
  if (check.valid) return false;
  logger.warn('webhook answered', { status: 401, outcome: 'rejected', reason: check.reason });
  res.writeHead(401, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ status: 'rejected', reason: check.reason }));
  return true;
}
