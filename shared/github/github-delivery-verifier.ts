import type { DeliveryVerifier } from '../ports/event-source.js';
import { MAX_BODY_BYTES } from './max-body-bytes.js';
import { SIGNATURE_HEADER, verifySignature } from './verify-signature.js';

/** GitHub's delivery check: no schema is loaded, so the webhook refuses forged deliveries at cold start. */
export const githubDeliveryVerifier: DeliveryVerifier = {
  name: 'GitHub',
  maxBodyBytes: MAX_BODY_BYTES,
  identify: (headers) => ({
    deliveryId: single(headers['x-github-delivery']),
    event: single(headers['x-github-event']),
  }),
  verify: (delivery, secrets) =>
    verifySignature(delivery.rawBody, single(delivery.headers[SIGNATURE_HEADER]), secrets),
};

// Node joins repeated headers into one string, except a few it keeps as arrays.
function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
