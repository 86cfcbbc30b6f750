import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ForwardingProxy {
  /** Where clients point: `<url>/X` is forwarded to `<target>X`. */
  url: string;
  /** The base every request goes on to (ends with `/`); set once the service behind it is up. */
  target: string;
  close(): Promise<void>;
}

// Framing and connection headers: fetch sets its own (and refuses some, transfer-encoding and expect among them).
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'content-encoding',
  'expect',
  'upgrade',
]);

/** What to do with one request once its body is read: forward it (after anything awaited here) or drop it. */
export type BeforeForward = (req: IncomingMessage, body: Buffer) => Promise<'forward' | 'drop'>;

/**
 * An HTTP proxy on 127.0.0.1 that reads each request whole, lets `before` act on it (wait, act on the
 * service itself, or drop it as a lost request), then forwards it and relays the answer.
 */
export async function startForwardingProxy(before: BeforeForward): Promise<ForwardingProxy> {
  const proxy: ForwardingProxy = { url: '', target: '', close: () => Promise.resolve() };
  const server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      if ((await before(req, body)) === 'drop') {
        res.destroy();
        return;
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([name]) => name !== 'host' && !HOP_BY_HOP.has(name)),
      ) as Record<string, string>;
      const answer = await fetch(`${proxy.target}${(req.url ?? '/').slice(1)}`, {
        method: req.method ?? 'GET',
        headers,
        redirect: 'manual',
        ...(body.length && req.method !== 'GET' && req.method !== 'HEAD' ? { body } : {}),
      });
      const bytes = Buffer.from(await answer.arrayBuffer());
      // fetch has decoded the body and will frame it anew: the rest of the answer's headers go on as they came.
      const relayed: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (!HOP_BY_HOP.has(name)) relayed[name] = value;
      });
      res.writeHead(answer.status, relayed);
      res.end(bytes);
    })().catch((error: unknown) => {
      if (res.headersSent || res.destroyed) return;
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`${String(error)}: ${String((error as { cause?: unknown }).cause ?? '')}`);
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
