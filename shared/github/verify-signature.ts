import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Result } from '../contracts/result.js';

export const SIGNATURE_HEADER = 'x-hub-signature-256';

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/** Checks `X-Hub-Signature-256: sha256=<hex>` against the HMAC-SHA256 of the exact raw body under any of the secrets (rotation). */
export function verifySignature(
  rawBody: Uint8Array,
  header: string | undefined,
  secrets: readonly string[],
): Result<undefined> {
  if (header === undefined || header === '') {
    return {
      success: false,
      error: 'the X-Hub-Signature-256 header is missing; set a secret on the GitHub hook',
    };
  }
  const match = SIGNATURE.exec(header.trim());
  if (!match?.[1])
    return { success: false, error: 'the X-Hub-Signature-256 header is not "sha256=<64 hex digits>"' };
  const given = Buffer.from(match[1], 'hex');
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(rawBody).digest();
    // Length first: timingSafeEqual throws on buffers of different lengths.
    if (expected.length === given.length && timingSafeEqual(expected, given))
      return { success: true, data: undefined };
  }
  return {
    success: false,
    error: 'the X-Hub-Signature-256 signature does not match any configured webhook secret',
  };
}

/** The `X-Hub-Signature-256` value GitHub would send for this body and secret. */
export function signPayload(rawBody: Uint8Array | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}
