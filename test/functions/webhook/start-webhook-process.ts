import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signPayload } from '../../../shared/github/verify-signature.js';
import { findPackageRoot } from '../../../local/stack/find-package-root.js';
import { FUNCTION_SPECS } from '../../../local/stack/function-specs.js';
import { startFunction, type RunningFunction } from '../../../local/stack/start-function.js';

/** The webhook as built by `npm run build`: the compiled module the stack runs, and the deploy bundle. */
export const WEBHOOK_BUILDS = [
  { label: 'lib', source: 'lib/functions/webhook/index.js' },
  { label: 'bundle', source: 'lib/bundle/webhook' },
] as const;

export interface WebhookProcess {
  url: string;
  pid: number;
  secret: string;
  stop(): Promise<void>;
}

/** Starts the webhook in its own functions-framework process, as the stack does, over a repositories file of its own. */
export async function startWebhookProcess(source: string, repositories: unknown[]): Promise<WebhookProcess> {
  const spec = FUNCTION_SPECS['webhook'];
  if (!spec) throw new Error('FUNCTION_SPECS has no webhook');
  const dir = await mkdtemp(join(tmpdir(), 'pkgrelay-frontdoor-'));
  await writeFile(join(dir, 'repositories.json'), JSON.stringify({ repositories }));
  const secret = 'front-door-secret';
  let fn: RunningFunction;
  try {
    fn = await startFunction(
      { ...spec, source: join(findPackageRoot(), source) },
      {
        env: {
          PKGRELAY_CONFIG: join(dir, 'repositories.json'),
          PKGRELAY_PROJECT_ID: 'pkgrelay-frontdoor',
          PKGRELAY_WEBHOOK_SECRETS: secret,
          PKGRELAY_LOG_LEVEL: 'WARNING',
          METADATA_SERVER_DETECTION: 'none',
        },
        logFile: join(dir, 'webhook.log'),
      },
    );
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const pid = fn.process.pid;
  if (pid === undefined) throw new Error('the webhook process has no pid');
  return {
    url: fn.url,
    pid,
    secret,
    stop: async () => {
      await fn.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// GitHub's deadline: a delivery not answered by then has failed, and is not sent again by itself.
const GITHUB_TIMEOUT_MS = 10_000;

/** Sends a delivery signed with the process's secret, as GitHub does; aborted at GitHub's 10 s. */
export async function sendSigned(
  webhook: WebhookProcess,
  event: string,
  payload: unknown,
  deliveryId: string,
): Promise<{ status: number; body: unknown; ms: number }> {
  const body = JSON.stringify(payload);
  const started = performance.now();
  const response = await fetch(webhook.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': signPayload(body, webhook.secret),
    },
    body,
    signal: AbortSignal.timeout(GITHUB_TIMEOUT_MS),
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as unknown, ms: performance.now() - started };
}

/** Resident memory of a process now (VmRSS) or at its peak since the last reset (VmHWM), in bytes. */
export async function readMemory(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1];
  if (kib === undefined) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(kib) * 1024;
}

/** Sets a process's peak (VmHWM) back to its current resident memory, so the next peak is the next request's. */
export async function resetPeakMemory(pid: number): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, '5');
}

export interface Answer {
  status: number;
  text: string;
}

/**
 * POSTs a body written chunk by chunk (chunked transfer encoding unless headers say otherwise), honouring
 * backpressure, and stops writing as soon as the server answers or closes the connection, or after
 * `totalBytes`. Resolves with the answer, or undefined when the server closed without one.
 */
export function streamBody(
  url: string,
  headers: Record<string, string>,
  { chunk, totalBytes }: { chunk: Buffer; totalBytes: number },
): Promise<{ answer: Answer | undefined; sentBytes: number }> {
  return new Promise((resolve) => {
    let sentBytes = 0;
    let answered = false;
    let settled = false;
    const settle = (answer: Answer | undefined): void => {
      if (settled) return;
      settled = true;
      req.destroy();
      resolve({ answer, sentBytes });
    };
    const req = request(url, { method: 'POST', headers }, (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () =>
        settle({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }),
      );
      res.on('error', () =>
        settle({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }),
      );
    });
    req.on('error', () => {
      if (!answered) settle(undefined);
    });
    req.on('close', () => {
      if (!answered) settle(undefined);
    });
    const write = (): void => {
      while (!answered && !settled && sentBytes < totalBytes) {
        const part = chunk.subarray(0, Math.min(chunk.length, totalBytes - sentBytes));
        sentBytes += part.length;
        if (!req.write(part)) {
          req.once('drain', write);
          return;
        }
      }
      if (!answered && !settled) req.end();
    };
    write();
  });
}
