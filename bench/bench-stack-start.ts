import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startPubSubEmulator } from '../local/pubsub/start-pubsub-emulator.js';
import { startStack } from '../local/stack/start-stack.js';
import type { BenchOptions } from './bench-options.js';
import { describeMachine } from './machine-info.js';
import { printTable, type Cell } from './print-table.js';
import { startStackProcess } from './start-stack-process.js';
import { median, round, summarize } from './summarize-samples.js';
import type { BenchResult } from './write-results.js';

async function inTempDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'pkgrelay-bench-start-'));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Benchmark 5: `startStack` to ready with each service's share, `npm start` to stack.json, vs the Pub/Sub emulator alone. */
export async function benchStackStart({ quick }: BenchOptions): Promise<BenchResult> {
  const started = Date.now();
  const machine = describeMachine();
  const repetitions = quick ? 1 : 3;
  const emulatorMs: number[] = [];
  const stackMs: number[] = [];
  const cliMs: number[] = [];
  const services: Record<string, number[]> = {};
  for (let i = 0; i < repetitions; i++) {
    const t0 = performance.now();
    const emulator = await startPubSubEmulator();
    emulatorMs.push(performance.now() - t0);
    await emulator.stop();

    await inTempDir(async (rootDir) => {
      const t1 = performance.now();
      const stack = await startStack({
        rootDir,
        onReady: (service, ms) => (services[service] ??= []).push(ms),
      });
      stackMs.push(performance.now() - t1);
      await stack.stop();
    });

    await inTempDir(async (root) => {
      const t2 = performance.now();
      const cli = await startStackProcess(
        'lib/cli/main.js',
        ['start', '--ephemeral-ports', '--root', root],
        root,
      );
      cliMs.push(performance.now() - t2);
      await cli.stop();
    });
  }
  const emulator = summarize(emulatorMs);
  const stack = summarize(stackMs);
  const cli = summarize(cliMs);
  const rows: Cell[][] = [
    ['Pub/Sub emulator alone (baseline)', emulator.median, emulator.min, emulator.max, 1],
    ...Object.entries(services).map(([service, values]): Cell[] => [
      `  startStack: ${service} ready at`,
      round(median(values), 0),
    ]),
    ['startStack → ready', stack.median, stack.min, stack.max, round(stack.median / emulator.median, 3)],
    [
      'npm start (pkgrelay start) → stack.json',
      cli.median,
      cli.min,
      cli.max,
      round(cli.median / emulator.median, 3),
    ],
  ];
  printTable(
    `Stack start (ms, median of ${repetitions})`,
    ['what', 'median', 'min', 'max', '× emulator'],
    rows,
  );
  return {
    name: 'stack-start',
    machine,
    quick,
    settings: { repetitions, ports: 'ephemeral' },
    figures: {
      emulatorAloneMs: emulator,
      startStackMs: stack,
      npmStartMs: cli,
      startStackPerEmulator: round(stack.median / emulator.median, 3),
      npmStartPerEmulator: round(cli.median / emulator.median, 3),
      serviceReadyAtMs: Object.fromEntries(
        Object.entries(services).map(([service, values]) => [service, round(median(values), 0)]),
      ),
    },
    checks: [],
    notes: [
      '"ready at" is ms since startStack began, as its onReady callback reports; services start partly in parallel',
    ],
    durationSeconds: round((Date.now() - started) / 1000, 1),
  };
}
