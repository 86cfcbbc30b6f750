import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStatusBucket, readJobStatus, readRepositoryIndex } from '../cli/read-status.js';
import { createUpstreamRepository } from '../local/demo/create-upstream-repository.js';
import { SHARED_BUILD_CACHE } from '../local/python/install-pinned-tools.js';
import { sampleSetuptoolsProject } from '../local/demo/sample-project.js';
import { releasePayload, sendDelivery } from '../local/github/send-delivery.js';
import { JobSubstitution } from '../shared/build/create-build-plan.js';
import { isFinal } from '../shared/status/job-status.js';
import type { BenchOptions } from './bench-options.js';
import { judge } from './judge-target.js';
import { describeMachine } from './machine-info.js';
import { printTable } from './print-table.js';
import { readPeakMemoryMiB } from './read-peak-memory.js';
import { runFloorRelease } from './run-floor-release.js';
import { startStackProcess } from './start-stack-process.js';
import { round, summarize } from './summarize-samples.js';
import type { BenchResult } from './write-results.js';

const BUILD_CONCURRENCY = 2;
const FLOOR_REPOSITORY = 'burst-org/floor';

/**
 * Benchmark 4: tags of many repositories delivered at once; each must be published exactly once. The
 * baseline, in the same run and on the same registry: the same release done by hand, one per build slot
 * at a time, so "seconds per job per slot" compares the pipeline's throughput with the tools' own.
 */
export async function benchBurst({ quick }: BenchOptions): Promise<BenchResult> {
  const started = Date.now();
  const machine = describeMachine();
  const repositoryCount = quick ? 3 : 20;
  const tagsPerRepository = quick ? 2 : 5;
  const root = await mkdtemp(join(tmpdir(), 'pkgrelay-bench-burst-'));
  const repositories = Array.from(
    { length: repositoryCount },
    (_, r) => `burst-org/pkg-${String(r).padStart(2, '0')}`,
  );
  const distribution = (repository: string): string => `burst-${repository.split('/')[1] ?? ''}`;
  const tags = Array.from({ length: tagsPerRepository }, (_, t) => ({
    tag: `v1.0.${t}`,
    version: `1.0.${t}`,
  }));
  for (let i = 0; i < repositories.length; i += 4) {
    await Promise.all(
      repositories.slice(i, i + 4).map((repository) =>
        createUpstreamRepository(
          join(root, 'upstreams'),
          repository,
          tags.map(({ tag, version }) => ({
            files: sampleSetuptoolsProject(
              distribution(repository),
              distribution(repository).replaceAll('-', '_'),
              version,
            ),
            tag,
          })),
        ),
      ),
    );
  }
  // Releases for the by-hand baseline, in a repository the pipeline is never told of.
  const floorTags = Array.from({ length: quick ? 2 : 4 }, (_, t) => `v2.0.${t}`);
  const floorUpstream = await createUpstreamRepository(
    join(root, 'upstreams'),
    FLOOR_REPOSITORY,
    floorTags.map((tag) => ({
      files: sampleSetuptoolsProject('burst-floor', 'burst_floor', tag.slice(1)),
      tag,
    })),
  );
  const configPath = join(root, 'repositories.json');
  await writeFile(
    configPath,
    JSON.stringify({ repositories: repositories.map((repository) => ({ repository })) }),
  );
  const stack = await startStackProcess(
    'lib/bench/serve-stack.js',
    ['--root', root, '--config', configPath, '--build-concurrency', String(BUILD_CONCURRENCY)],
    root,
  );
  try {
    const { info } = stack;
    const bucket = await openStatusBucket(info.storage.bucket, {
      apiEndpoint: info.storage.host,
      projectId: info.projectId,
    });
    const jobs = repositories.flatMap((repository) =>
      tags.map(({ tag, version }) => ({ repository, tag, version })),
    );
    // The baseline first, while the machine is as idle as the burst finds it: a warm-up, then the rest
    // BUILD_CONCURRENCY at a time, sharing the stack's pip/uv cache as its builds do.
    await runFloorRelease(
      `file://${floorUpstream}`,
      floorTags[0] ?? '',
      info.registry.url,
      SHARED_BUILD_CACHE,
    );
    const floorStarted = Date.now();
    const measured = floorTags.slice(1);
    for (let i = 0; i < measured.length; i += BUILD_CONCURRENCY) {
      await Promise.all(
        measured
          .slice(i, i + BUILD_CONCURRENCY)
          .map((tag) =>
            runFloorRelease(`file://${floorUpstream}`, tag, info.registry.url, SHARED_BUILD_CACHE),
          ),
      );
    }
    const floorSecondsPerJobPerSlot =
      ((Date.now() - floorStarted) / 1000 / measured.length) * BUILD_CONCURRENCY;
    const sentAt = Date.now();
    const answers = await Promise.all(
      jobs.map((job) =>
        sendDelivery({
          url: info.webhook.url,
          secret: info.webhook.secret,
          event: 'release',
          payload: releasePayload(job.repository, job.tag),
        }),
      ),
    );
    const acceptedMs = Date.now() - sentAt;
    const refused = answers.filter((answer) => answer.status !== 202).length;
    if (refused) throw new Error(`${refused} of ${jobs.length} deliveries were not accepted`);
    const deadline = Date.now() + (quick ? 300_000 : 1_800_000);
    for (;;) {
      const indexes = await Promise.all(
        repositories.map((repository) => readRepositoryIndex(bucket, repository)),
      );
      const final = indexes.reduce(
        (sum, index) => sum + (index?.jobs.filter((job) => isFinal(job.state)).length ?? 0),
        0,
      );
      if (final === jobs.length) break;
      if (Date.now() > deadline) throw new Error(`only ${final} of ${jobs.length} jobs finished in time`);
      await sleep(1_000);
    }
    const memory: Record<string, number | undefined> = {};
    for (const [name, pid] of Object.entries(info.pids)) memory[name] = await readPeakMemoryMiB(pid);
    const statuses = await Promise.all(jobs.map((job) => readJobStatus(bucket, job)));
    const publishedMs: number[] = [];
    let notExactlyOnce = 0;
    for (const status of statuses) {
      const published = status?.history.filter((entry) => entry.state === 'published') ?? [];
      if (status?.state !== 'published' || status.attempt !== 1 || published.length !== 1) notExactlyOnce++;
      const at = published[0]?.at;
      if (at) publishedMs.push(Date.parse(at) - sentAt);
    }
    // Every version in the registry exactly once: one sdist and one wheel per tag.
    let wrongFileCounts = 0;
    for (const repository of repositories) {
      const response = await fetch(new URL(`simple/${distribution(repository)}/`, info.registry.url), {
        headers: { accept: 'application/vnd.pypi.simple.v1+json' },
      });
      const page = (await response.json()) as { files: Array<{ filename: string }> };
      for (const { version } of tags) {
        const count = page.files.filter((file) => file.filename.includes(`-${version}`)).length;
        if (count !== 2) wrongFileCounts++;
      }
    }
    // Builds started per job and phase (a build, then a publish build): a second one of a tag would be a duplicate run.
    const builds = (await (
      await fetch(`${info.cloudbuild.host}/v1/projects/${info.projectId}/builds?pageSize=1000`)
    ).json()) as {
      builds?: Array<{ substitutions?: Record<string, string> }>;
    };
    const buildCount = builds.builds?.length ?? 0;
    const publishCount = (builds.builds ?? []).filter(
      (build) => build.substitutions?.[JobSubstitution.phase] === 'publish',
    ).length;
    const lastMs = Math.max(...publishedMs);
    const jobsPerMinute = (publishedMs.length / lastMs) * 60_000;
    const latency = summarize(publishedMs);
    const secondsPerJobPerSlot = (lastMs / 1000 / publishedMs.length) * BUILD_CONCURRENCY;
    const throughputRatio = secondsPerJobPerSlot / floorSecondsPerJobPerSlot;
    const checks = [
      judge('jobs not published exactly once (status)', notExactlyOnce, '<=', 0),
      judge('versions without exactly 2 files in the registry', wrongFileCounts, '<=', 0),
      judge('build-phase builds / jobs', (buildCount - publishCount) / jobs.length, '<=', 1),
      judge('publish builds / jobs', publishCount / jobs.length, '<=', 1),
      judge('seconds per job per slot / by hand', throughputRatio, '<=', 2),
    ];
    printTable(
      `Burst: ${jobs.length} tags of ${repositoryCount} repositories at once (build concurrency ${BUILD_CONCURRENCY})`,
      ['figure', 'value'],
      [
        ['all deliveries answered 202 in (ms)', acceptedMs],
        ['jobs published', `${publishedMs.length} / ${jobs.length}`],
        ['builds started (of them publish builds)', `${buildCount} (${publishCount})`],
        ['jobs per minute', round(jobsPerMinute, 1)],
        ['seconds per job per build slot', round(secondsPerJobPerSlot, 2)],
        [
          `by hand, ${BUILD_CONCURRENCY} at a time: seconds per job per slot`,
          round(floorSecondsPerJobPerSlot, 2),
        ],
        ['ratio (pipeline / by hand)', round(throughputRatio, 2)],
        [
          'first / median / slowest job (s)',
          `${round(latency.min / 1000, 1)} / ${round(latency.median / 1000, 1)} / ${round(latency.max / 1000, 1)}`,
        ],
        ...Object.entries(memory).map(([name, mib]) => [`peak memory ${name} (MiB)`, mib]),
      ],
      checks,
    );
    return {
      name: 'burst',
      machine,
      quick,
      settings: {
        repositories: repositoryCount,
        tagsPerRepository,
        buildConcurrency: BUILD_CONCURRENCY,
        statusPollMs: 1000,
      },
      figures: {
        jobs: jobs.length,
        published: publishedMs.length,
        buildsStarted: buildCount,
        publishBuildsStarted: publishCount,
        allAcceptedMs: acceptedMs,
        jobsPerMinute: round(jobsPerMinute, 1),
        // Per build slot: how close the stack comes to its build concurrency.
        secondsPerJobPerSlot: round(secondsPerJobPerSlot, 2),
        floorSecondsPerJobPerSlot: round(floorSecondsPerJobPerSlot, 2),
        floorReleases: measured.length,
        ratio: round(throughputRatio, 3),
        publishedAfterMs: latency,
        slowestJobMs: latency.max,
        peakMemoryMiB: memory,
      },
      checks,
      notes: [
        'peak memory is VmHWM from /proc/<pid>/status; the stack process also runs the stand-ins (Storage, Cloud Build, registry); build steps run in their own processes',
      ],
      durationSeconds: round((Date.now() - started) / 1000, 1),
    };
  } finally {
    await stack.stop();
    await rm(root, { recursive: true, force: true });
  }
}
