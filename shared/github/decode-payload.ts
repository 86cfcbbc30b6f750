import { isUtf8 } from 'node:buffer';
import type { ParseResult } from '../contracts/release-request.js';

export type DecodeResult = ParseResult<unknown> & { unsupportedType?: true };

/**
 * Reads the JSON payload from the raw bytes of either content type GitHub sends (`payload=` for forms).
 * `parsed` is the same body as functions-framework already parsed it for `application/json`: when the
 * bytes are UTF-8 (the charset the framework read them in), it is that body, and is taken as it is
 * instead of parsing 7 KB or more a second time.
 */
export function decodePayload(
  rawBody: Uint8Array,
  contentType: string | undefined,
  parsed?: unknown,
): DecodeResult {
  const [type = '', ...parameters] = (contentType ?? '').split(';');
  const essence = type.trim().toLowerCase();
  if (essence === 'application/json' && isObject(parsed) && isUtf8Charset(parameters) && isUtf8(rawBody))
    return { success: true, data: parsed };
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isUtf8Charset(parameters: string[]): boolean {
  const charset = parameters
    .map((parameter) => parameter.trim().toLowerCase())
    .find((parameter) => parameter.startsWith('charset='));
  return charset === undefined || /^charset="?utf-8"?$/.test(charset);
}
