import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface DelayingProxy {
  /** Where clients point: `<url>/X` is forwarded to `<target>X`. */
  url: string;
  /** The base every request goes on to; set once the service behind it is up. */
  target: string;
  close(): Promise<void>;
}

/**
 * An HTTP proxy on 127.0.0.1 that holds each request `delayMs` before forwarding it: a slow registry,
 * so what a worker does while it holds a lease takes long enough for a test to crash it there.
 */
export async function startDelayingProxy(delayMs: number): Promise<DelayingProxy> {
  const proxy: DelayingProxy = { url: '', target: '', close: () => Promise.resolve() };
  const server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      await sleep(delayMs);
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          ([name]) => !['host', 'connection', 'content-length'].includes(name),
        ),
      ) as Record<string, string>;
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      const answer = await fetch(`${proxy.target}${(req.url ?? '/').slice(1)}`, {
        method: req.method ?? 'GET',
        headers,
        ...(body && req.method !== 'GET' && req.method !== 'HEAD' ? { body } : {}),
      });
      const bytes = Buffer.from(await answer.arrayBuffer());
      res.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/octet-stream',
      });
      res.end(bytes);
    })().catch((error: unknown) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
