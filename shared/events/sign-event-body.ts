import { createHmac } from 'node:crypto';

/** The header that carries a generic webhook delivery's signature, as GitHub's X-Hub-Signature-256 does. */
export const EVENT_SIGNATURE_HEADER = 'x-pkgrelay-signature-256';

/** `sha256=<hex HMAC-SHA256 of the exact body bytes>`, the value of X-Pkgrelay-Signature-256. */
export function signEventBody(body: string | Uint8Array, key: string): string {
  return `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
}
