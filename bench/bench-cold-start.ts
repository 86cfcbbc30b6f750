import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findPackageRoot } from '../local/stack/find-package-root.js';
import type { FunctionSpec } from '../local/stack/start-function.js';
import type { BenchOptions } from './bench-options.js';
import { createReleaseDelivery } from './create-release-delivery.js';
import { judge, type TargetCheck } from './judge-target.js';
import { describeMachine } from './machine-info.js';
import { measureFirstAnswer, type FirstRequest } from './measure-first-answer.js';
import { printTable, type Cell } from './print-table.js';
import { round, summarize, type Summary } from './summarize-samples.js';
import { BENCH_REPOSITORY, startWebhookFixture } from './start-webhook-fixture.js';
import type { BenchResult } from './write-results.js';

interface Variant {
  name: string;
  spec: FunctionSpec;
  request: FirstRequest;
  expected: number;
}

/** Benchmark 2: process start → first answer, for a forged delivery (401) and a published one (202), vs the bare handler. */
export async function benchColdStart({ quick }: BenchOptions): Promise<BenchResult> {
  const started = Date.now();
  const machine = describeMachine();
  const root = findPackageRoot();
  const repetitions = quick ? 3 : 20;
  const fixture = await startWebhookFixture();
  const notes: string[] = [];
  try {
    const valid = createReleaseDelivery(BENCH_REPOSITORY, 'v1.2.3', fixture.secret);
    const forged = createReleaseDelivery(BENCH_REPOSITORY, 'v1.2.3', 'not-the-secret');
    const builds: Array<{ label: string; spec: FunctionSpec }> = [
      { label: 'lib', spec: fixture.webhookSpec },
    ];
    // The deploy bundle (`npm run build` → lib/bundle/<function>/), measured where it exists.
    const bundleDir = join(root, 'lib/bundle/webhook');
    if (existsSync(bundleDir))
      builds.push({ label: 'bundle', spec: { ...fixture.webhookSpec, source: bundleDir } });
    else notes.push('no deploy bundle at lib/bundle/webhook: only lib/ was measured');
    const variants: Variant[] = [
      { name: 'bare 204', spec: fixture.bareSpec, request: valid, expected: 204 },
      ...builds.flatMap(({ label, spec }) => [
        { name: `${label} first 401`, spec, request: forged, expected: 401 },
        { name: `${label} first 202`, spec, request: valid, expected: 202 },
      ]),
    ];
    const samples = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
    for (let i = 0; i < repetitions; i++) {
      // Interleaved, so a slow moment of the machine spreads over every variant instead of one.
      for (const variant of variants) {
        const answer = await measureFirstAnswer(variant.spec, fixture.env, variant.request);
        if (answer.status !== variant.expected) {
          throw new Error(`${variant.name}: the first answer was ${answer.status}, not ${variant.expected}`);
        }
        samples.get(variant.name)?.push(answer.ms);
      }
    }
    const summaries: Record<string, Summary> = Object.fromEntries(
      [...samples].map(([name, values]) => [name, summarize(values)]),
    );
    const bare = summaries['bare 204']?.median ?? Number.NaN;
    const ratio = (name: string): number => (summaries[name]?.median ?? Number.NaN) / bare;
    // The targets are the deploy bundle's, which is what Cloud Functions runs; lib/ is shown beside it.
    const judged = builds.at(-1)?.label ?? 'lib';
    const checks: TargetCheck[] = [
      judge(`${judged}: first 401 / bare`, ratio(`${judged} first 401`), '<=', 1.1),
      judge(`${judged}: first 202 / bare`, ratio(`${judged} first 202`), '<=', 2.0),
    ];
    const rows: Cell[][] = variants.map(({ name }) => {
      const s = summaries[name];
      return [name, s?.median, s?.min, s?.max, round(ratio(name), 3)];
    });
    printTable(
      `Cold start: process start → first answer (ms, ${repetitions} starts each)`,
      ['variant', 'median', 'min', 'max', '× bare'],
      rows,
      checks,
    );
    return {
      name: 'cold-start',
      machine,
      quick,
      settings: { repetitions, pollIntervalMs: 5, deliveryBytes: Buffer.byteLength(valid.body) },
      figures: {
        milliseconds: summaries,
        ratios: Object.fromEntries(variants.map(({ name }) => [name, round(ratio(name), 3)])),
        samples: Object.fromEntries(
          [...samples].map(([name, values]) => [name, values.map((v) => round(v, 1))]),
        ),
      },
      checks,
      notes,
      durationSeconds: round((Date.now() - started) / 1000, 1),
    };
  } finally {
    await fixture.close();
  }
}
