import { createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPayload } from '../../../shared/github/verify-signature.js';
import {
  readMemory,
  resetPeakMemory,
  sendSigned,
  startWebhookProcess,
  streamBody,
  WEBHOOK_BUILDS,
  type WebhookProcess,
} from './start-webhook-process.js';

const MiB = 1024 * 1024;
const mib = (bytes: number): number => Math.round(bytes / MiB);

// 300 MiB of zeros, gzipped as it is made (about 300 KB): the bomb of issue 16, unsigned.
async function makeGzipBomb(inflatedBytes = 300 * MiB): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gzip.on('data', (part: Buffer) => parts.push(part));
  const done = new Promise((resolve) => gzip.once('end', resolve));
  const zeros = Buffer.alloc(MiB);
  for (let written = 0; written < inflatedBytes; written += zeros.length)
    if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
  gzip.end();
  await done;
  return Buffer.concat(parts);
}

describe.each(WEBHOOK_BUILDS)('the webhook front door ($label build)', ({ source }) => {
  let webhook: WebhookProcess;
  let idle: number;
  let bomb: Buffer;

  const ping = async (): Promise<number> =>
    (await sendSigned(webhook, 'ping', { zen: 'Keep it logically awesome.', hook_id: 7 }, 'ping-1')).status;

  // Peak resident memory while `attack` runs, from a peak reset to what the process holds at rest.
  const peakDuring = async <T>(attack: () => Promise<T>): Promise<{ result: T; peak: number }> => {
    await resetPeakMemory(webhook.pid);
    const result = await attack();
    return { result, peak: await readMemory(webhook.pid, 'VmHWM') };
  };

  beforeAll(async () => {
    bomb = await makeGzipBomb();
    webhook = await startWebhookProcess(source, [{ repository: 'Acme/Widgets' }]);
    // Idle is the memory of a warm instance: its handler loaded by a first signed delivery.
    expect(await ping()).toBe(200);
    idle = await readMemory(webhook.pid, 'VmRSS');
  });
  afterAll(async () => {
    await webhook?.stop();
  });

  it("answers a signed body that is not JSON itself: the framework's parsers never read it", async () => {
    const body = '{"zen":';
    // Signed by hand: sendSigned would send JSON.
    const response = await fetch(webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'ping',
        'x-github-delivery': 'not-json-1',
        'x-hub-signature-256': signPayload(body, webhook.secret),
      },
      body,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      status: 'rejected',
      reason: expect.stringContaining('not JSON'),
    });
  });

  it('refuses a gzip bomb with 415 without inflating it', async () => {
    expect(bomb.length).toBeLessThan(400 * 1024);
    const { result, peak } = await peakDuring(() =>
      streamBody(
        webhook.url,
        { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-github-event': 'ping' },
        { chunk: bomb, totalBytes: bomb.length },
      ),
    );
    expect(result.answer?.status).toBe(415);
    expect(JSON.parse(result.answer?.text ?? '{}')).toMatchObject({ status: 'rejected' });
    expect(peak, `peak ${mib(peak)} MiB, idle ${mib(idle)} MiB`).toBeLessThanOrEqual(2 * idle);
    expect(await ping()).toBe(200);
  });

  it('cuts a slow 1 GB body of no declared length off at 25 MB with 413', async () => {
    const { result, peak } = await peakDuring(() =>
      streamBody(
        webhook.url,
        { 'content-type': 'application/json', 'x-github-event': 'ping' },
        { chunk: Buffer.alloc(MiB, 0x20), totalBytes: 1024 * MiB },
      ),
    );
    expect(result.answer?.status).toBe(413);
    // The answer came while the body was still being sent, not after it.
    expect(result.sentBytes).toBeLessThan(1024 * MiB);
    expect(peak, `peak ${mib(peak)} MiB, idle ${mib(idle)} MiB`).toBeLessThanOrEqual(2 * idle);
    expect(await ping()).toBe(200);
  });

  it('refuses a body that declares 1 GB with 413 before reading it', async () => {
    const { result, peak } = await peakDuring(() =>
      streamBody(
        webhook.url,
        {
          'content-type': 'application/json',
          'content-length': String(1024 * MiB),
          'x-github-event': 'ping',
        },
        { chunk: Buffer.alloc(MiB, 0x20), totalBytes: 1024 * MiB },
      ),
    );
    expect(result.answer?.status).toBe(413);
    expect(result.sentBytes).toBeLessThan(1024 * MiB);
    expect(peak, `peak ${mib(peak)} MiB, idle ${mib(idle)} MiB`).toBeLessThanOrEqual(2 * idle);
    expect(await ping()).toBe(200);
  });
});
