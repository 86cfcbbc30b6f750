import type { ParseResult } from '../contracts/release-request.js';

export const PayloadContentType = ['application/json', 'application/x-www-form-urlencoded'] as const;

export type DecodeResult = ParseResult<unknown> & { unsupportedType?: true };

/** Reads the JSON payload from the raw bytes of either content type GitHub sends (`payload=` for forms). */
export function decodePayload(rawBody: Uint8Array, contentType: string | undefined): DecodeResult {
  const essence = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(rawBody);
  } catch {
    return { success: false, error: 'the body is not valid UTF-8' };
  }
  if (essence === 'application/x-www-form-urlencoded') {
    const payload = new URLSearchParams(text).get('payload');
    if (payload === null) return { success: false, error: 'the form body has no "payload" field' };
    text = payload;
  } else if (essence !== 'application/json') {
    return {
      success: false,
      unsupportedType: true,
      error: `content type "${essence || '(none)'}" is not one GitHub sends; use application/json or application/x-www-form-urlencoded`,
    };
  }
  try {
    return { success: true, data: JSON.parse(text) as unknown };
  } catch (error) {
    return { success: false, error: `the payload is not JSON (${(error as Error).message})` };
  }
}
