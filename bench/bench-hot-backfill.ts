import type { BenchOptions } from './bench-options.js';
import { judge } from './judge-target.js';
import { describeMachine } from './machine-info.js';
import { printTable } from './print-table.js';
import { runHotBackfill, type HotBackfillResult } from './run-hot-backfill.js';
import { round } from './summarize-samples.js';
import type { BenchResult } from './write-results.js';

const CONCURRENCY = 64;

/**
 * Benchmark 9: one repository's backfill at two sizes with Cloud Storage's one write a second per
 * object on; jobs a minute must not fall with the number of tags (every job writes the same index).
 */
export async function benchHotBackfill({ quick }: BenchOptions): Promise<BenchResult> {
  const started = Date.now();
  const machine = describeMachine();
  const [smallTags, largeTags] = quick ? [20, 100] : [100, 1000];
  const small = await runHotBackfill({ tags: smallTags, concurrency: CONCURRENCY });
  const large = await runHotBackfill({ tags: largeTags, concurrency: CONCURRENCY });
  const ratio = large.jobsPerMinute / small.jobsPerMinute;
  const checks = [
    judge(
      'jobs or index entries not exactly one published attempt',
      small.wrong.length + large.wrong.length,
      '<=',
      0,
    ),
    judge(`jobs a minute at ${largeTags} tags / at ${smallTags}`, ratio, '>=', 0.8),
  ];
  const row = (label: string, pick: (run: HotBackfillResult) => number) => [label, pick(small), pick(large)];
  printTable(
    `Hot backfill: one repository, ${smallTags} and ${largeTags} tags, Cloud Storage's per-object rate on`,
    ['figure', `${smallTags} tags`, `${largeTags} tags`],
    [
      row('jobs per minute', (run) => run.jobsPerMinute),
      row('all jobs final after (s)', (run) => round(run.elapsedMs / 1000, 1)),
      row('index writes', (run) => run.writes.index),
      row('badge writes', (run) => run.writes.badge),
      row('job document writes', (run) => run.writes.jobs),
      row('writes refused 429 (retried by the client)', (run) => run.storage.refused),
      row('redeliveries', (run) => run.redeliveries),
    ],
    checks,
  );
  const figures = (run: HotBackfillResult) => ({
    tags: run.tags,
    jobsPerMinute: run.jobsPerMinute,
    elapsedMs: run.elapsedMs,
    writes: run.writes,
    refused429: run.storage.refused,
    refused429By: run.storage.refusedBy,
    redeliveries: run.redeliveries,
    wrong: run.wrong.length,
    badge: run.badge,
  });
  return {
    name: 'hot-backfill',
    machine,
    quick,
    settings: {
      concurrency: CONCURRENCY,
      mutationRate: '1 write/s per object, burst 1',
      builds: 'instant (fake)',
    },
    figures: { small: figures(small), large: figures(large), ratio: round(ratio, 3) },
    checks,
    notes: [
      'the real worker and build-events handlers on the storage stand-in through @google-cloud/storage; builds are the one fake (each succeeds when created): real builds take about 4 s a job a slot here, half an hour for 1,000 tags',
      `each function handles ${CONCURRENCY} deliveries at once; a failed delivery is pushed again after 1 s, as the local emulator does`,
      'waiting jobs read only the index metadata (stat); only the index writer reads the index and the listing',
    ],
    durationSeconds: round((Date.now() - started) / 1000, 1),
  };
}
