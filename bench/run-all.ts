import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { BenchOptions } from './bench-options.js';
import { benchBurst } from './bench-burst.js';
import { benchColdStart } from './bench-cold-start.js';
import { benchColdStartQuota } from './bench-cold-start-quota.js';
import { benchHotBackfill } from './bench-hot-backfill.js';
import { benchSandboxStep } from './bench-sandbox-step.js';
import { benchTagByPolling } from './bench-tag-by-polling.js';
import { benchTagToInstallable } from './bench-tag-to-installable.js';
import { benchStackStart } from './bench-stack-start.js';
import { benchWebhook } from './bench-webhook.js';
import type { BenchResult } from './write-results.js';
import { writeResults } from './write-results.js';

const BENCHMARKS: Record<string, (options: BenchOptions) => Promise<BenchResult>> = {
  webhook: benchWebhook,
  'cold-start': benchColdStart,
  'cold-start-quota': benchColdStartQuota,
  'tag-to-installable': benchTagToInstallable,
  'tag-by-polling': benchTagByPolling,
  burst: benchBurst,
  'stack-start': benchStackStart,
  'sandbox-step': benchSandboxStep,
  'hot-backfill': benchHotBackfill,
};

const { values } = parseArgs({
  options: { only: { type: 'string' }, quick: { type: 'boolean', default: false } },
});
const names = values.only ? values.only.split(',').map((name) => name.trim()) : Object.keys(BENCHMARKS);
const unknown = names.filter((name) => !BENCHMARKS[name]);
if (unknown.length) {
  process.stderr.write(
    `Unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}\n`,
  );
  process.exit(2);
}
// Nothing here may reach a real Google endpoint or wait for a metadata server.
process.env['METADATA_SERVER_DETECTION'] ??= 'none';
let failed = false;
for (const name of names) {
  const bench = BENCHMARKS[name];
  if (!bench) continue;
  process.stdout.write(
    `\n# ${name}${values.quick ? ' (quick)' : ''} — load average ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}\n`,
  );
  try {
    const result = await bench({ quick: values.quick ?? false });
    result.notes.push(
      `load average at the end: ${loadavg()
        .map((v) => v.toFixed(2))
        .join(' ')}`,
    );
    process.stdout.write(`→ ${await writeResults(result)}\n`);
  } catch (error) {
    failed = true;
    process.stderr.write(`benchmark ${name} could not run: ${(error as Error).stack ?? String(error)}\n`);
  }
}
// Client libraries may keep sockets open; the benchmarks are done.
process.exit(failed ? 1 : 0);
