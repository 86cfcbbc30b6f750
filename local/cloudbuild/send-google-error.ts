import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

const StatusNames: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  412: 'FAILED_PRECONDITION',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** Answers with Google's JSON error envelope: `{ error: { code, message, status } }`. */
export function sendGoogleError(context: Context, code: ContentfulStatusCode, message: string): Response {
  return context.json({ error: { code, message, status: StatusNames[code] ?? 'UNKNOWN' } }, code);
}
