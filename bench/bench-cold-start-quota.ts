import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FUNCTION_DEPLOYMENTS } from '../deploy/function-deployments.js';
import { findPackageRoot } from '../local/stack/find-package-root.js';
import type { BenchOptions } from './bench-options.js';
import { createCpuQuota, type CpuQuota } from './create-cpu-quota.js';
import { createReleaseDelivery } from './create-release-delivery.js';
import { judge, type TargetCheck } from './judge-target.js';
import { describeMachine } from './machine-info.js';
import { measureFirstAnswer } from './measure-first-answer.js';
import { printTable, type Cell } from './print-table.js';
import { round, summarize, type Summary } from './summarize-samples.js';
import { BENCH_REPOSITORY, startWebhookFixture } from './start-webhook-fixture.js';
import type { BenchResult } from './write-results.js';

// The webhook's share as deployed, and the 256 MiB default's (0.167 vCPU) it replaced.
const WEBHOOK_CPU = FUNCTION_DEPLOYMENTS.find((fn) => fn.target === 'webhook')?.cpu ?? 1;
const SHARES = [WEBHOOK_CPU, 0.167] as const;

/**
 * Benchmark 7: the cold-start benchmark's bare handler and deploy bundle (first 202), each inside the CPU quota
 * Cloud Run gives the webhook, and the old one; the ratio is taken under the same share.
 */
export async function benchColdStartQuota({ quick }: BenchOptions): Promise<BenchResult> {
  const started = Date.now();
  const machine = describeMachine();
  const bundleDir = join(findPackageRoot(), 'lib/bundle/webhook');
  if (!existsSync(bundleDir))
    throw new Error(`no deploy bundle at ${bundleDir}: run \`npm run build\` first`);
  const quotas = SHARES.map((share) => createCpuQuota(share));
  if (quotas.some((quota) => !quota)) {
    for (const quota of quotas) quota?.remove();
    const note = 'no writable cgroup v1 cpu controller at /sys/fs/cgroup/cpu (needs root): nothing measured';
    process.stdout.write(`${note}\n`);
    return {
      name: 'cold-start-quota',
      machine,
      quick,
      settings: {},
      figures: {},
      checks: [],
      notes: [note],
      durationSeconds: 0,
    };
  }
  const repetitions = quick ? 2 : 10;
  const fixture = await startWebhookFixture();
  try {
    const valid = createReleaseDelivery(BENCH_REPOSITORY, 'v1.2.3', fixture.secret);
    const variants = (quotas as CpuQuota[]).flatMap((quota) => [
      { name: `bare 204 @ ${quota.share} vCPU`, spec: fixture.bareSpec, expected: 204, quota },
      {
        name: `bundle first 202 @ ${quota.share} vCPU`,
        spec: { ...fixture.webhookSpec, source: bundleDir },
        expected: 202,
        quota,
      },
    ]);
    const samples = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
    for (let i = 0; i < repetitions; i++) {
      for (const variant of variants) {
        const answer = await measureFirstAnswer(variant.spec, fixture.env, valid, {
          wrap: variant.quota.wrap,
          timeoutMs: 60_000,
        });
        if (answer.status !== variant.expected)
          throw new Error(`${variant.name}: the first answer was ${answer.status}, not ${variant.expected}`);
        samples.get(variant.name)?.push(answer.ms);
      }
    }
    const summaries: Record<string, Summary> = Object.fromEntries(
      [...samples].map(([name, values]) => [name, summarize(values)]),
    );
    const median = (name: string): number => summaries[name]?.median ?? Number.NaN;
    const ratios = Object.fromEntries(
      SHARES.map((share) => [
        `${share} vCPU`,
        round(median(`bundle first 202 @ ${share} vCPU`) / median(`bare 204 @ ${share} vCPU`), 3),
      ]),
    );
    // GitHub waits 10 s; Cloud Run's own container start comes on top of this, so keep well under it.
    const checks: TargetCheck[] = [
      judge(
        `bundle first 202 @ ${WEBHOOK_CPU} vCPU (ms)`,
        median(`bundle first 202 @ ${WEBHOOK_CPU} vCPU`),
        '<=',
        2000,
      ),
    ];
    const rows: Cell[][] = variants.map(({ name, quota }) => {
      const s = summaries[name];
      return [name, s?.median, s?.min, s?.max, name.startsWith('bundle') ? ratios[`${quota.share} vCPU`] : 1];
    });
    printTable(
      `Cold start under a CPU quota: process start → first answer (ms, ${repetitions} starts each)`,
      ['variant', 'median', 'min', 'max', '× bare, same share'],
      rows,
      checks,
    );
    return {
      name: 'cold-start-quota',
      machine,
      quick,
      settings: { repetitions, shares: [...SHARES], cfsPeriodUs: 100_000, pollIntervalMs: 5 },
      figures: {
        milliseconds: summaries,
        ratiosToBareSameShare: ratios,
        samples: Object.fromEntries(
          [...samples].map(([name, values]) => [name, values.map((v) => round(v, 1))]),
        ),
      },
      checks,
      notes: ['cgroup v1 CFS quota per variant; the process joins the group before node starts'],
      durationSeconds: round((Date.now() - started) / 1000, 1),
    };
  } finally {
    await fixture.close();
    for (const quota of quotas) quota?.remove();
  }
}
