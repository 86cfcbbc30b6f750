import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { followJob } from '../cli/follow-job.js';
import { openStatusBucket } from '../cli/read-status.js';
import { createUpstreamRepository, type UpstreamRelease } from '../local/demo/create-upstream-repository.js';
import { sampleSetuptoolsProject } from '../local/demo/sample-project.js';
import { releasePayload, sendDelivery } from '../local/github/send-delivery.js';
import { startStack } from '../local/stack/start-stack.js';
import type { BenchOptions } from './bench-options.js';
import { judge } from './judge-target.js';
import { describeMachine } from './machine-info.js';
import { printTable } from './print-table.js';
import { runFloorRelease } from './run-floor-release.js';
import { readStepDurations } from './read-step-durations.js';
import { median, round, summarize } from './summarize-samples.js';
import { waitUntilServed } from './wait-until-served.js';
import type { BenchResult } from './write-results.js';

const REPOSITORY = 'bench-org/tag-to-installable';
const STATUS_POLL_MS = 250;
// Both sides end at the first poll of the index page that lists the wheel: when pip could install it.
const SERVED_POLL_MS = 50;
const PROJECT = 'bench-t2i';
const wheelOf = (version: string): string => `bench_t2i-${version}-py3-none-any.whl`;

/**
 * Benchmark 3: signed webhook → status `published` on the local stack with isolated builds, vs the same
 * isolated build by hand; and the first job on an empty pip cache vs the later ones (the shared cache).
 */
export async function benchTagToInstallable({ quick }: BenchOptions): Promise<BenchResult> {
  const started = Date.now();
  const machine = describeMachine();
  const repetitions = quick ? 1 : 5;
  const root = await mkdtemp(join(tmpdir(), 'pkgrelay-bench-t2i-'));
  // Round 0 is the first job on an empty pip cache: counted apart, as the cache's baseline, and it warms
  // both sides (first imports, .pyc files) for the rounds that compare them.
  const rounds = Array.from({ length: repetitions + 1 }, (_, i) => ({
    pipeline: { tag: `v1.${i}.0`, version: `1.${i}.0` },
    floor: { tag: `v1.${i}.1`, version: `1.${i}.1` },
  }));
  const releases: UpstreamRelease[] = rounds.flatMap(({ pipeline, floor }) =>
    [pipeline, floor].map(({ tag, version }) => ({
      files: sampleSetuptoolsProject('bench-t2i', 'bench_t2i', version),
      tag,
      annotated: true,
    })),
  );
  const upstream = await createUpstreamRepository(join(root, 'upstreams'), REPOSITORY, releases);
  const configPath = join(root, 'repositories.json');
  await writeFile(configPath, JSON.stringify({ repositories: [{ repository: REPOSITORY }] }));
  // An empty cache of this run's own, so the first job pays every download and the later ones none.
  const cacheDir = join(root, 'build-cache');
  const stack = await startStack({ rootDir: root, configPath, buildIsolation: true, cacheDir });
  try {
    const bucket = await openStatusBucket(stack.info.storage.bucket, {
      apiEndpoint: stack.info.storage.host,
      projectId: stack.info.projectId,
    });
    const pipelineMs: number[] = [];
    let coldMs = Number.NaN;
    const floorMs: number[] = [];
    const floorStepMs: Array<Record<string, number>> = [];
    const phases: Array<Record<string, number>> = [];
    const stepMs: Array<Record<string, number>> = [];
    for (const [i, { pipeline, floor }] of rounds.entries()) {
      const timePipeline = async (): Promise<void> => {
        const t0 = performance.now();
        const wall0 = Date.now();
        const served = waitUntilServed(stack.info.registry.url, PROJECT, wheelOf(pipeline.version), {
          intervalMs: SERVED_POLL_MS,
        });
        const answer = await sendDelivery({
          url: stack.info.webhook.url,
          secret: stack.info.webhook.secret,
          event: 'release',
          payload: releasePayload(REPOSITORY, pipeline.tag),
        });
        if (answer.status !== 202) throw new Error(`the webhook answered ${answer.status}`);
        const ms = (await served) - t0;
        // Polled slowly: the job's phases come from the document, and each poll is work for the stand-in.
        const job = await followJob(
          bucket,
          { repository: REPOSITORY, tag: pipeline.tag },
          { intervalMs: STATUS_POLL_MS },
        );
        if (job.state !== 'published')
          throw new Error(`job ${pipeline.tag} ended ${job.state}: ${JSON.stringify(job.error)}`);
        if (i === 0) {
          coldMs = ms;
          return;
        }
        pipelineMs.push(ms);
        // Where the time went, from the status document's own clock (ms after the webhook was sent).
        phases.push(
          Object.fromEntries(job.history.map((entry) => [entry.state, Date.parse(entry.at) - wall0])),
        );
        stepMs.push(
          await readStepDurations(stack.info.cloudbuild.host, stack.info.projectId, job.build?.id ?? ''),
        );
      };
      const timeFloor = async (): Promise<void> => {
        const t0 = performance.now();
        const ms = await runFloorRelease(`file://${upstream}`, floor.tag, stack.info.registry.url, cacheDir);
        const servedMs =
          (await waitUntilServed(stack.info.registry.url, PROJECT, wheelOf(floor.version), {
            intervalMs: SERVED_POLL_MS,
          })) - t0;
        if (i === 0) return;
        floorMs.push(servedMs);
        floorStepMs.push(ms.steps);
      };
      // Alternate which side goes first, so a trend in the machine's load does not favour one.
      if (i % 2) {
        await timeFloor();
        await timePipeline();
      } else {
        await timePipeline();
        await timeFloor();
      }
    }
    const pipeline = summarize(pipelineMs);
    const floor = summarize(floorMs);
    const ratio = pipeline.median / floor.median;
    const cacheRatio = pipeline.median / coldMs;
    const checks = [
      judge('tag → installable / floor (medians)', ratio, '<=', 1.2),
      judge('job on a warm pip cache / first job on an empty one', cacheRatio, '<=', 0.5),
    ];
    const medians = (list: Array<Record<string, number>>): Record<string, number> =>
      Object.fromEntries(
        Object.keys(list[0] ?? {}).map((key) => [
          key,
          round(median(list.map((entry) => entry[key] ?? 0)), 0),
        ]),
      );
    const phase = (state: string): number | undefined => {
      const values = phases.map((entry) => entry[state]).filter((v): v is number => v !== undefined);
      return values.length ? summarize(values).median : undefined;
    };
    printTable(
      `Tag to installable: webhook → wheel on the index vs the same steps by hand (ms, median of ${repetitions})`,
      ['path', 'median', 'min', 'max', 'ratio'],
      [
        [
          'floor (git, pinned tools, isolated build, twine check, twine upload)',
          floor.median,
          floor.min,
          floor.max,
          1,
        ],
        [
          'pipeline (webhook → wheel listed on the index)',
          pipeline.median,
          pipeline.min,
          pipeline.max,
          round(ratio, 3),
        ],
        ['first job, empty pip cache', round(coldMs, 0), '', '', ''],
        ['cache: warm pipeline median / first job', '', '', '', round(cacheRatio, 3)],
        [`  floor steps: ${JSON.stringify(medians(floorStepMs))}`],
        [
          `  pipeline: queued at ${phase('queued')}, building at ${phase('building')}, published at ${phase('published')}`,
        ],
        [`  build steps: ${JSON.stringify(medians(stepMs))}`],
      ],
      checks,
    );
    return {
      name: 'tag-to-installable',
      machine,
      quick,
      settings: {
        repetitions,
        warmupRounds: 1,
        statusPollMs: STATUS_POLL_MS,
        servedPollMs: SERVED_POLL_MS,
        end: 'both sides: the first poll of the PEP 691 page that lists the wheel',
        project: 'setuptools (sampleSetuptoolsProject)',
        isolation: true,
      },
      figures: {
        ratio: round(ratio, 3),
        cacheRatio: round(cacheRatio, 3),
        coldJobMs: round(coldMs, 0),
        pipelineMs: pipeline,
        floorMs: floor,
        pipelineSamples: pipelineMs.map((v) => round(v, 0)),
        floorSamples: floorMs.map((v) => round(v, 0)),
        medianPhaseMs: {
          queued: phase('queued'),
          building: phase('building'),
          published: phase('published'),
        },
        medianBuildStepMs: medians(stepMs),
        medianFloorStepMs: medians(floorStepMs),
      },
      checks,
      notes: [],
      durationSeconds: round((Date.now() - started) / 1000, 1),
    };
  } finally {
    await stack.stop();
    await rm(root, { recursive: true, force: true });
  }
}
