import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { signPayload } from '../../../shared/github/verify-signature.js';
import type { WebhookHandler } from '../../../functions/webhook/create-webhook-handler.js';

let registered = 0;

/** Serves a handler through functions-framework's own server (its body parser, rawBody) on a free port. */
export async function serveWebhook(
  handler: WebhookHandler,
): Promise<{ url: string; close: () => Promise<void> }> {
  const name = `webhook-test-${++registered}`;
  http(name, (req, res) => handler(req, res));
  const server = getTestServer(name);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Delivery {
  /** null: the header is left out. */
  event?: string | null;
  deliveryId?: string | null;
  payload?: unknown;
  /** Sent as is instead of the JSON of `payload`. */
  body?: string | Buffer;
  secret?: string | undefined;
  form?: boolean;
  headers?: Record<string, string>;
  method?: string;
}

/** Encodes, signs and sends a delivery the way GitHub does; `headers` override or add. */
export async function sendDelivery(
  url: string,
  {
    event,
    deliveryId = 'delivery-1',
    payload = {},
    body,
    secret,
    form = false,
    headers = {},
    method = 'POST',
  }: Delivery,
): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  const json = JSON.stringify(payload);
  const raw = body ?? (form ? `payload=${encodeURIComponent(json)}` : json);
  const all: Record<string, string> = {
    'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json',
    ...(event == null ? {} : { 'x-github-event': event }),
    ...(deliveryId === null ? {} : { 'x-github-delivery': deliveryId }),
    ...(secret === undefined ? {} : { 'x-hub-signature-256': signPayload(raw, secret) }),
    ...headers,
  };
  const response = await fetch(url, { method, headers: all, ...(method === 'GET' ? {} : { body: raw }) });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // The framework's own errors (a body its parser rejects) are not JSON.
  }
  return { status: response.status, body: parsed, text };
}

/** A keep-alive POST over node:http, cheaper per call than fetch for thousands of requests. */
export function createPoster(url: string): {
  post: (
    headers: Record<string, string>,
    body: Buffer,
  ) => Promise<{ status: number; contentType: string; text: string }>;
  close: () => void;
} {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const { hostname, port } = new URL(url);
  const post = (headers: Record<string, string>, body: Buffer) =>
    new Promise<{ status: number; contentType: string; text: string }>((resolve, reject) => {
      const req = request({ host: hostname, port, method: 'POST', path: '/', agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'] ?? '',
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  return { post, close: () => agent.destroy() };
}
