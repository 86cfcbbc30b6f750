import type { ServerResponse } from 'node:http';
import { toErrorBody } from './create-storage-error.js';
import type { StorageError } from './create-storage-error.js';

/** Answers with a JSON body, as the JSON API does for every metadata call. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=UTF-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Answers with Cloud Storage's JSON error envelope. */
export function sendError(res: ServerResponse, error: StorageError): void {
  sendJson(res, error.code, toErrorBody(error));
}

/** Answers with a status and no body, as for a delete (204) or a failed read precondition (304). */
export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  // HTTP forbids a Content-Length on 204 and 304; others need one, or Node would send a chunked empty body.
  const length: Record<string, string> = status === 204 || status === 304 ? {} : { 'Content-Length': '0' };
  res.writeHead(status, { ...length, ...headers });
  res.end();
}
