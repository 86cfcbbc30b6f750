import { spawn } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GitHttpServerOptions {
  /** Folder holding `<owner>/<name>.git` bare repositories, as createUpstreamRepository makes them. */
  projectRoot: string;
  /** When set, every request needs it as the password of HTTP Basic auth (any user name, as GitHub takes). */
  token?: string;
  /** Private repositories, each behind its own token (`owner/name`, case-insensitive); the others stay public. */
  repositoryTokens?: Readonly<Record<string, string>>;
  port?: number;
}

export interface GitHttpRequest {
  method: string;
  path: string;
  status: number;
}

export interface GitHttpServer {
  /** The upstream base: `<url>/<owner>/<name>.git` is a clonable repository. */
  url: string;
  /** What the server answered, without any credentials, for tests to assert on. */
  requests: GitHttpRequest[];
  close(): Promise<void>;
}

/**
 * Serves bare repositories over git's smart HTTP protocol through `git http-backend` (CGI), read-only,
 * optionally behind a token: a private GitHub upstream on this machine.
 */
export async function startGitHttpServer(options: GitHttpServerOptions): Promise<GitHttpServer> {
  const requests: GitHttpRequest[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://git.invalid');
    const record = (status: number): void =>
      void requests.push({ method: req.method ?? '', path: url.pathname, status });
    const token = tokenFor(url.pathname, options);
    if (token !== undefined && !hasToken(req, token)) {
      record(401);
      res.writeHead(401, { 'www-authenticate': 'Basic realm="pkgrelay git"', 'content-type': 'text/plain' });
      res.end('Authentication required\n');
      return;
    }
    serveWithBackend(req, res, url, options.projectRoot, record);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// The token a path needs: the one of its repository, else the server-wide one; none for a public repository.
function tokenFor(path: string, options: GitHttpServerOptions): string | undefined {
  const repository = /^\/([^/]+\/[^/]+?)(?:\.git)?(?:\/|$)/
    .exec(decodeURIComponent(path))?.[1]
    ?.toLowerCase();
  const own = Object.entries(options.repositoryTokens ?? {}).find(
    ([name]) => name.toLowerCase() === repository,
  );
  return own?.[1] ?? options.token;
}

function hasToken(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const basic = /^Basic\s+(\S+)$/i.exec(header)?.[1];
  if (!basic) return false;
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  const given = Buffer.from(decoded.slice(decoded.indexOf(':') + 1));
  const wanted = Buffer.from(token);
  // Length first: timingSafeEqual throws on buffers of different lengths.
  return decoded.includes(':') && given.length === wanted.length && timingSafeEqual(given, wanted);
}

function serveWithBackend(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  projectRoot: string,
  record: (status: number) => void,
): void {
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    GIT_PROJECT_ROOT: projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_ADDR: req.socket.remoteAddress ?? '',
    // Without REMOTE_USER, http-backend refuses receive-pack: the server is read-only.
  };
  if (req.headers['content-encoding']) env['HTTP_CONTENT_ENCODING'] = req.headers['content-encoding'];
  if (req.headers['git-protocol']) env['GIT_PROTOCOL'] = String(req.headers['git-protocol']);
  if (req.headers['content-length']) env['CONTENT_LENGTH'] = req.headers['content-length'];
  const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
  req.pipe(child.stdin);
  child.stdin.on('error', () => {});
  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = findHeaderEnd(head);
    if (!end) return;
    headersDone = true;
    const headers: Record<string, string> = {};
    let status = 200;
    for (const line of head.subarray(0, end.at).toString('latin1').split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'status') status = Number.parseInt(value, 10) || 500;
      else headers[name] = value;
    }
    record(status);
    res.writeHead(status, headers);
    res.write(head.subarray(end.at + end.length));
  });
  child.on('error', () => {
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
  child.on('close', () => {
    if (!headersDone) {
      record(500);
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('git http-backend produced no response\n');
      return;
    }
    res.end();
  });
}

function findHeaderEnd(buffer: Buffer): { at: number; length: number } | undefined {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { at: crlf, length: 4 };
  return lf >= 0 ? { at: lf, length: 2 } : undefined;
}
