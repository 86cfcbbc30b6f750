import { once } from 'node:events';
import {
  Agent,
  createServer,
  request,
  type IncomingMessage,
  type RequestListener,
  type Server,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { guardRequest } from '../../../functions/webhook/guard-request.js';
import { createLogger } from '../../../shared/log/create-logger.js';

interface Seen {
  rawBody: Buffer | undefined;
  complete: boolean;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

// A server whose inner listener records what reached it; the guard's log lines are kept too.
async function serveGuarded(maxBodyBytes: number): Promise<{ url: string; seen: Seen[]; logs: string[] }> {
  const seen: Seen[] = [];
  const logs: string[] = [];
  const inner: RequestListener = (req, res) => {
    seen.push({ rawBody: (req as IncomingMessage & { rawBody?: Buffer }).rawBody, complete: req.complete });
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('inner');
  };
  const logger = createLogger({ write: (line) => logs.push(line) });
  const server = createServer(guardRequest(inner, { logger, maxBodyBytes }));
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, seen, logs };
}

describe('guardRequest', () => {
  it('hands the exact bytes on as rawBody, with the request already read', async () => {
    const { url, seen } = await serveGuarded(1024);
    const body = Buffer.from('{"zen":"Design for failure."}');
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(await response.text()).toBe('inner');
    expect(seen).toEqual([{ rawBody: body, complete: true }]);
  });

  it('passes a body of exactly the cap, and Content-Encoding: identity', async () => {
    const { url, seen } = await serveGuarded(16);
    const body = Buffer.alloc(16, 0x61);
    const response = await fetch(url, { method: 'POST', body, headers: { 'content-encoding': 'Identity' } });
    expect(response.status).toBe(200);
    expect(seen[0]?.rawBody).toEqual(body);
  });

  it.each(['gzip', 'deflate', 'br', 'identity, gzip'])(
    'refuses Content-Encoding %s with 415, reaching nothing behind it',
    async (encoding) => {
      const { url, seen, logs } = await serveGuarded(1024);
      const response = await fetch(url, {
        method: 'POST',
        body: gzipSync('{}'),
        headers: { 'content-encoding': encoding, 'x-github-delivery': 'd-1' },
      });
      expect(response.status).toBe(415);
      expect(await response.json()).toMatchObject({
        status: 'rejected',
        reason: expect.stringContaining(encoding),
      });
      expect(seen).toEqual([]);
      expect(JSON.parse(logs[0] ?? '{}')).toMatchObject({
        severity: 'WARNING',
        status: 415,
        deliveryId: 'd-1',
      });
    },
  );

  it('refuses a declared length over the cap with 413 before reading, and one that grows past it while reading', async () => {
    const { url, seen } = await serveGuarded(1024);
    const declared = await fetch(url, { method: 'POST', body: Buffer.alloc(1025) });
    expect(declared.status).toBe(413);
    // No Content-Length: the cap holds while the chunks arrive.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 8; i++) req.write(Buffer.alloc(200));
      req.end();
    });
    expect(chunked).toBe(413);
    expect(seen).toEqual([]);
  });

  it('keeps the connection usable after refusing a small body', async () => {
    const { url, seen } = await serveGuarded(1024);
    const answers: number[] = [];
    // One keep-alive connection: the refused body is read off, so the next request parses cleanly.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const post = (headers: Record<string, string>, body: Buffer) =>
      new Promise<void>((resolve, reject) => {
        const req = request(url, { method: 'POST', agent, headers }, (res) => {
          answers.push(res.statusCode ?? 0);
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
        req.end(body);
      });
    await post({ 'content-encoding': 'gzip' }, gzipSync(Buffer.alloc(4096)));
    await post({}, Buffer.from('{}'));
    agent.destroy();
    expect(answers).toEqual([415, 200]);
    expect(seen).toHaveLength(1);
  });
});
