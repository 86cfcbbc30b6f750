import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import type { BenchOptions } from './bench-options.js';
import { BENCH_REPOSITORY, startWebhookFixture } from './start-webhook-fixture.js';
import { createReleaseDelivery } from './create-release-delivery.js';
import { judge } from './judge-target.js';
import { readCpuTimeMs } from './read-cpu-time.js';
import { describeMachine } from './machine-info.js';
import { printTable } from './print-table.js';
import { median, round } from './summarize-samples.js';
import type { BenchResult } from './write-results.js';

interface LoadRun {
  requestsPerSecond: number;
  /** CPU ms per request of each watched process: where the work goes, independent of the machine's load. */
  cpuMsPerRequest: Record<string, number>;
  p50: number;
  p99: number;
  max: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

interface LoadOptions {
  url: string;
  body?: string;
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
  overallRate?: number;
  /** Processes whose CPU time per request is reported (the function, the emulator). */
  pids?: Record<string, number>;
}

async function load({
  url,
  body,
  headers,
  connections,
  seconds,
  overallRate,
  pids = {},
}: LoadOptions): Promise<LoadRun> {
  const cpuBefore = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, readCpuTimeMs(pid)]));
  const result = await autocannon({
    url,
    method: 'POST',
    connections,
    duration: seconds,
    timeout: 10,
    // Each response's own latency. With a rate, autocannon otherwise "corrects" for coordinated omission
    // with an expected interval of ceil(1 / rate) ms (1 ms at 12.5 req/s per connection, where the interval
    // is 80 ms), adding a phantom sample per millisecond of every slower response (bench/README.md).
    ...(overallRate ? { overallRate, ignoreCoordinatedOmission: true } : {}),
    requests: [
      {
        method: 'POST',
        ...(body === undefined ? {} : { body }),
        // A fresh delivery id per request, as GitHub sends; the signature covers the body only.
        setupRequest: (request) => ({
          ...request,
          headers: { ...headers, 'x-github-delivery': randomUUID() },
        }),
      },
    ],
  });
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count ?? 0]),
  );
  const cpuMsPerRequest = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [
      name,
      round((readCpuTimeMs(pid) - (cpuBefore[name] ?? 0)) / Math.max(1, result.requests.total), 3),
    ]),
  );
  return {
    requestsPerSecond: round(result.requests.total / seconds, 0),
    cpuMsPerRequest,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
  };
}

/** Benchmark 1: signed 7 KB release deliveries through the real webhook (publishing to the emulator) vs a bare 204 handler. */
export async function benchWebhook({ quick }: BenchOptions): Promise<BenchResult> {
  const started = Date.now();
  const machine = describeMachine();
  const settings = {
    connections: 32,
    secondsPerRound: quick ? 3 : 10,
    rounds: quick ? 1 : 3,
    warmupSeconds: quick ? 1 : 3,
    fixedRate: 200,
    // autocannon paces a rate per connection per second: each connection sends its share back to back
    // at the start of every second, so the connections are the requests in flight during that burst.
    // At 200 req/s and about 1 ms of work each, GitHub's independent deliveries keep well under one in
    // flight on average; 4 at once is a busy moment. The 16-connection burst is reported beside it.
    fixedRateConnections: 4,
    fixedRateBurstConnections: 16,
    fixedRateSeconds: quick ? 4 : 15,
  };
  const fixture = await startWebhookFixture();
  const notes: string[] = [];
  try {
    const [webhook, bare] = await Promise.all([
      fixture.start(fixture.webhookSpec),
      fixture.start(fixture.bareSpec),
    ]);
    const delivery = createReleaseDelivery(BENCH_REPOSITORY, 'v1.2.3', fixture.secret);
    const bodyBytes = Buffer.byteLength(delivery.body);
    const first = await fetch(webhook.url, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
    });
    if (first.status !== 202) throw new Error(`the webhook answered ${first.status}: ${await first.text()}`);

    const pid = (fn: typeof webhook): number => fn.process.pid ?? -1;
    const watched = { function: 0, emulator: fixture.emulator.pid, bench: process.pid };
    const targets = {
      webhook: {
        url: webhook.url,
        body: delivery.body,
        headers: delivery.headers,
        pids: { ...watched, function: pid(webhook) },
      },
      bare: {
        url: bare.url,
        body: delivery.body,
        headers: delivery.headers,
        pids: { ...watched, function: pid(bare) },
      },
    };
    for (const target of Object.values(targets)) {
      await load({ ...target, connections: settings.connections, seconds: settings.warmupSeconds });
    }
    const saturated: Record<'webhook' | 'bare', LoadRun[]> = { webhook: [], bare: [] };
    // Rounds alternate so that a burst of load from elsewhere on the machine hits both sides alike.
    for (let round = 0; round < settings.rounds; round++) {
      for (const name of ['bare', 'webhook'] as const) {
        saturated[name].push(
          await load({
            ...targets[name],
            connections: settings.connections,
            seconds: settings.secondsPerRound,
          }),
        );
      }
    }
    const atFixedRate = async (connections: number): Promise<Record<'webhook' | 'bare', LoadRun>> => ({
      bare: await load({
        ...targets.bare,
        connections,
        seconds: settings.fixedRateSeconds,
        overallRate: settings.fixedRate,
      }),
      webhook: await load({
        ...targets.webhook,
        connections,
        seconds: settings.fixedRateSeconds,
        overallRate: settings.fixedRate,
      }),
    });
    const fixed = await atFixedRate(settings.fixedRateConnections);
    const burst = await atFixedRate(settings.fixedRateBurstConnections);
    notes.push(
      `at ${settings.fixedRate} req/s over ${settings.fixedRateBurstConnections} connections (that many in flight at the start of each second): p50/p99 bare ${burst.bare.p50}/${burst.bare.p99} ms, webhook ${burst.webhook.p50}/${burst.webhook.p99} ms`,
    );
    const rps = (name: 'webhook' | 'bare'): number =>
      median(saturated[name].map((run) => run.requestsPerSecond));
    const p = (name: 'webhook' | 'bare', key: 'p50' | 'p99'): number =>
      median(saturated[name].map((run) => run[key]));
    const ratio = rps('webhook') / rps('bare');
    const cpu = (name: 'webhook' | 'bare', process: string): number =>
      round(median(saturated[name].map((run) => run.cpuMsPerRequest[process] ?? Number.NaN)), 3);
    const all = [...saturated.webhook, fixed.webhook, burst.webhook];
    const not202 = all.reduce((sum, run) => sum + run.requests - (run.statusCodes['202'] ?? 0), 0);
    if (not202 > 0) notes.push(`${not202} webhook requests were not answered 202 (see statusCodes)`);
    const checks = [
      judge('webhook / bare throughput, every publish awaited', ratio, '>=', 0.5),
      judge(
        `webhook p99 at ${settings.fixedRate} req/s, ${settings.fixedRateConnections} connections (ms)`,
        fixed.webhook.p99,
        '<',
        30,
      ),
      judge('webhook requests not answered 202', not202, '<=', 0),
    ];
    printTable(
      `Webhook: signed ${bodyBytes} B release deliveries, ${settings.connections} connections (median of ${settings.rounds} × ${settings.secondsPerRound} s)`,
      [
        'handler',
        'req/s',
        'p50 ms',
        'p99 ms',
        `p50 @${settings.fixedRate}/s`,
        `p99 @${settings.fixedRate}/s`,
        'CPU ms/req fn',
        'emulator',
        'ratio',
      ],
      [
        [
          'bare 204',
          rps('bare'),
          p('bare', 'p50'),
          p('bare', 'p99'),
          fixed.bare.p50,
          fixed.bare.p99,
          cpu('bare', 'function'),
          cpu('bare', 'emulator'),
          1,
        ],
        [
          'webhook 202',
          rps('webhook'),
          p('webhook', 'p50'),
          p('webhook', 'p99'),
          fixed.webhook.p50,
          fixed.webhook.p99,
          cpu('webhook', 'function'),
          cpu('webhook', 'emulator'),
          round(ratio, 3),
        ],
      ],
      checks,
    );
    return {
      name: 'webhook',
      machine,
      quick,
      settings: { ...settings, bodyBytes },
      figures: {
        throughputRatio: round(ratio, 3),
        webhook: {
          requestsPerSecond: rps('webhook'),
          p50: p('webhook', 'p50'),
          p99: p('webhook', 'p99'),
          rounds: saturated.webhook,
          fixedRate: fixed.webhook,
          fixedRateBurst: burst.webhook,
        },
        bare: {
          requestsPerSecond: rps('bare'),
          p50: p('bare', 'p50'),
          p99: p('bare', 'p99'),
          rounds: saturated.bare,
          fixedRate: fixed.bare,
          fixedRateBurst: burst.bare,
        },
      },
      checks,
      notes,
      durationSeconds: round((Date.now() - started) / 1000, 1),
    };
  } finally {
    await fixture.close();
  }
}
