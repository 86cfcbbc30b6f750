import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { placeStep, SandboxKind } from '../local/cloudbuild/place-step-in-sandbox.js';
import { runBuildStep } from '../local/cloudbuild/run-build-step.js';
import {
  startCloudBuildServer,
  type CloudBuildServer,
} from '../local/cloudbuild/start-cloud-build-server.js';
import type { BenchOptions } from './bench-options.js';
import { judge } from './judge-target.js';
import { describeMachine } from './machine-info.js';
import { printTable, type Cell } from './print-table.js';
import { readStepDurations } from './read-step-durations.js';
import { round, summarize } from './summarize-samples.js';
import type { BenchResult } from './write-results.js';

const PROJECT = 'pkgrelay-bench';
// Steps of a build: the sandbox's start alone, and a Python start as every pkgrelay step pays it.
const STEPS = [
  { id: 'true', name: 'bash', entrypoint: 'true' },
  { id: 'python', name: 'python', entrypoint: '/usr/bin/python3', args: ['-c', 'pass'] },
];

async function runBuild(server: CloudBuildServer): Promise<Record<string, number>> {
  const created = await fetch(`${server.url}/v1/projects/${PROJECT}/builds`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ steps: STEPS }),
  });
  const id = ((await created.json()) as { metadata: { build: { id: string } } }).metadata.build.id;
  for (;;) {
    const build = (await (await fetch(`${server.url}/v1/projects/${PROJECT}/builds/${id}`)).json()) as {
      status: string;
    };
    if (build.status === 'SUCCESS') return readStepDurations(server.url, PROJECT, id);
    if (!['QUEUED', 'WORKING'].includes(build.status))
      throw new Error(`bench build ${id} ended ${build.status}`);
    await sleep(20);
  }
}

// The process alone, spawned as the stand-in spawns a step: with bwrap around it or not.
async function timeSpawn(kind: SandboxKind, dir: string): Promise<number> {
  const launch = placeStep(
    kind,
    { program: 'true', args: [], cwd: dir, path: '/usr/bin:/bin' },
    { workspace: dir, home: dir, output: dir },
  );
  if (!launch.success) throw new Error(launch.error);
  const t0 = performance.now();
  const outcome = await runBuildStep({
    ...launch.data,
    env: { PATH: '/usr/bin:/bin' },
    signal: new AbortController().signal,
    onLine: () => {},
  });
  if (outcome.kind !== 'exited' || outcome.code !== 0)
    throw new Error(`true ended ${JSON.stringify(outcome)}`);
  return performance.now() - t0;
}

/** Benchmark 6: what the bubblewrap sandbox adds to each build step, against unsandboxed steps in the same run. */
export async function benchSandboxStep({ quick }: BenchOptions): Promise<BenchResult> {
  const started = Date.now();
  const machine = describeMachine();
  const rounds = quick ? 5 : 30;
  const root = await mkdtemp(join(tmpdir(), 'pkgrelay-bench-sandbox-'));
  const servers: Partial<Record<SandboxKind, CloudBuildServer>> = {};
  const spawnMs: Record<SandboxKind, number[]> = { bwrap: [], none: [] };
  const stepMs: Record<SandboxKind, Record<string, number[]>> = {
    bwrap: { true: [], python: [] },
    none: { true: [], python: [] },
  };
  try {
    await mkdir(join(root, 'spawn'));
    for (const kind of SandboxKind)
      servers[kind] = await startCloudBuildServer({
        dataDir: join(root, kind),
        sandbox: kind,
        concurrency: 1,
      });
    for (let i = 0; i <= rounds; i++) {
      // Alternate which side goes first, so a trend in the machine's load does not favour one.
      const order = i % 2 ? [...SandboxKind] : [...SandboxKind].reverse();
      for (const kind of order) {
        const server = servers[kind];
        if (!server) continue;
        const spawned = await timeSpawn(kind, join(root, 'spawn'));
        const steps = await runBuild(server);
        // The first round warms the page cache and the stand-in; it is not counted.
        if (i === 0) continue;
        spawnMs[kind].push(spawned);
        for (const step of STEPS) stepMs[kind][step.id]?.push(steps[step.id] ?? Number.NaN);
      }
    }
  } finally {
    for (const server of Object.values(servers)) await server.close();
    await rm(root, { recursive: true, force: true });
  }
  const spawn = { bwrap: summarize(spawnMs.bwrap), none: summarize(spawnMs.none) };
  const steps = Object.fromEntries(
    STEPS.map((step) => [
      step.id,
      { bwrap: summarize(stepMs.bwrap[step.id] ?? []), none: summarize(stepMs.none[step.id] ?? []) },
    ]),
  );
  const added = (pair: { bwrap: { median: number }; none: { median: number } }): number =>
    round(pair.bwrap.median - pair.none.median, 1);
  const python = steps['python'] ?? spawn;
  const checks = [
    judge('bwrap adds per step (ms, python3 -c pass, stand-in timing)', added(python), '<=', 100),
  ];
  const rows: Cell[][] = [
    ['spawn `true` (runBuildStep)', spawn.none.median, spawn.bwrap.median, added(spawn)],
    ...Object.entries(steps).map(([id, pair]): Cell[] => [
      `stand-in step \`${id}\``,
      pair.none.median,
      pair.bwrap.median,
      added(pair),
    ]),
  ];
  printTable(
    `Sandbox cost per step (ms, median of ${rounds}, same run)`,
    ['what', 'none', 'bwrap', 'added'],
    rows,
    checks,
  );
  return {
    name: 'sandbox-step',
    machine,
    quick,
    settings: { rounds, steps: STEPS.map((step) => step.id), concurrency: 1 },
    figures: { spawnMs: spawn, stepMs: steps, addedMs: { spawn: added(spawn), python: added(python) } },
    checks,
    notes: [
      "stand-in step timings are the build's own startTime/endTime (ms resolution), including its store writes",
      'the spawn row times `true` through runBuildStep, as the stand-in spawns a step: bwrap setup (namespaces, mounts) alone',
    ],
    durationSeconds: round((Date.now() - started) / 1000, 1),
  };
}
