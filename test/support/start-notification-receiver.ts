import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The status this request was answered with. */
  answered: number;
}

export interface NotificationReceiver {
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

/** A local HTTP endpoint that answers 500 to its first `failFirst` requests of each path, then 200 `ok`, as Slack does. */
export async function startNotificationReceiver({
  failFirst = 0,
  status = () => undefined,
}: {
  failFirst?: number;
  status?: (path: string) => number | undefined;
} = {}): Promise<NotificationReceiver> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      const seen = received.filter((request) => request.path.split('?')[0] === path.split('?')[0]).length;
      const answered = status(path) ?? (seen < failFirst ? 500 : 200);
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks), answered });
      res.writeHead(answered, { 'content-type': 'text/plain' });
      res.end(answered === 200 ? 'ok' : 'receiver failing on purpose');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
