import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { followJob } from '../cli/follow-job.js';
import { openStatusBucket, readJson } from '../cli/read-status.js';
import { addUpstreamRelease, createUpstreamRepository } from '../local/demo/create-upstream-repository.js';
import { sampleSetuptoolsProject } from '../local/demo/sample-project.js';
import { releasePayload, sendDelivery } from '../local/github/send-delivery.js';
import { waitUntil } from '../local/net/wait-until.js';
import { startStack } from '../local/stack/start-stack.js';
import { pollStateObjectPath } from '../shared/contracts/job-id.js';
import { PollState } from '../shared/status/poll-state.js';
import type { BenchOptions } from './bench-options.js';
import { judge } from './judge-target.js';
import { describeMachine } from './machine-info.js';
import { printTable } from './print-table.js';
import { round, summarize } from './summarize-samples.js';
import type { BenchResult } from './write-results.js';

const POLLED = 'bench-org/polled-private';
const HOOKED = 'bench-org/webhooked';
const INTERVAL_SECONDS = 20;
const TICK_SECONDS = 5;

/**
 * Tag pushed upstream → published, found by polling a private upstream (its token from the Secret
 * Manager stand-in), against the webhook path in the same stack and run. Polling should cost at most
 * one poll interval and one scheduler tick more than the webhook path.
 */
export async function benchTagByPolling({ quick }: BenchOptions): Promise<BenchResult> {
  const started = Date.now();
  const machine = describeMachine();
  const repetitions = quick ? 1 : 4;
  const root = await mkdtemp(join(tmpdir(), 'pkgrelay-bench-poll-'));
  const upstreams = join(root, 'upstreams');
  const first = (name: string) => [
    {
      files: sampleSetuptoolsProject(name, name.replace(/-/g, '_'), '0.0.1'),
      tag: 'v0.0.1',
      annotated: true,
    },
  ];
  const bare: Record<string, string> = {
    [POLLED]: await createUpstreamRepository(upstreams, POLLED, first('bench-polled')),
    [HOOKED]: await createUpstreamRepository(upstreams, HOOKED, first('bench-hooked')),
  };
  await mkdir(join(root, 'secrets'), { recursive: true, mode: 0o700 });
  await writeFile(join(root, 'secrets', 'bench-token'), `ghp_${randomBytes(18).toString('hex')}`, {
    mode: 0o600,
  });
  const configPath = join(root, 'repositories.json');
  await writeFile(
    configPath,
    JSON.stringify({
      repositories: [
        {
          repository: POLLED,
          private: true,
          tokenSecret: 'bench-token',
          pollInterval: `${INTERVAL_SECONDS}s`,
          existingTags: 'none',
        },
        // Webhook-driven: polled rarely, so only the webhook finds its tags.
        { repository: HOOKED, pollInterval: '24h', existingTags: 'none' },
      ],
    }),
  );
  const stack = await startStack({ rootDir: root, configPath, reconcileEverySeconds: TICK_SECONDS });
  try {
    const bucket = await openStatusBucket(stack.info.storage.bucket, {
      apiEndpoint: stack.info.storage.host,
      projectId: stack.info.projectId,
    });
    // First contact ("none") must come before the first push, or it would leave that tag unbuilt.
    for (const repository of [POLLED, HOOKED])
      await waitUntil(
        `the first poll of ${repository}`,
        async () => (await readJson(bucket, pollStateObjectPath(repository), PollState)) !== undefined,
        { timeoutMs: 60_000, intervalMs: 250 },
      );
    const polledMs: number[] = [];
    const hookedMs: number[] = [];
    const time = async (repository: string, round: number, viaWebhook: boolean): Promise<number> => {
      const name = repository === POLLED ? 'bench-polled' : 'bench-hooked';
      const version = `1.${round}.0`;
      const tag = `v${version}`;
      const t0 = Date.now();
      await addUpstreamRelease(bare[repository] ?? '', {
        files: sampleSetuptoolsProject(name, name.replace(/-/g, '_'), version),
        tag,
        annotated: true,
      });
      if (viaWebhook) {
        const answer = await sendDelivery({
          url: stack.info.webhook.url,
          secret: stack.info.webhook.secret,
          event: 'release',
          payload: releasePayload(repository, tag),
        });
        if (answer.status !== 202) throw new Error(`the webhook answered ${answer.status}`);
      }
      const job = await followJob(bucket, { repository, tag }, { intervalMs: 250, timeoutMs: 600_000 });
      if (job.state !== 'published')
        throw new Error(`job ${tag} ended ${job.state}: ${JSON.stringify(job.error)}`);
      const published = job.history.findLast((entry) => entry.state === 'published');
      return Date.parse(published?.at ?? '') - t0;
    };
    // Round 0 warms the build cache and both functions; it is not counted.
    for (let i = 0; i <= repetitions; i++) {
      const hooked = await time(HOOKED, i, true);
      const polled = await time(POLLED, i, false);
      if (i === 0) continue;
      hookedMs.push(hooked);
      polledMs.push(polled);
    }
    const polled = summarize(polledMs);
    const hooked = summarize(hookedMs);
    const bound = (INTERVAL_SECONDS + TICK_SECONDS) * 1000 + hooked.median;
    const checks = [
      judge('polled median / (interval + tick + webhook median)', polled.median / bound, '<=', 1),
    ];
    printTable(
      `Tag pushed upstream → published: polling (interval ${INTERVAL_SECONDS} s, reconcile every ${TICK_SECONDS} s) vs webhook (ms, median of ${repetitions})`,
      ['path', 'median', 'min', 'max'],
      [
        ['webhook (signed delivery right after the push)', hooked.median, hooked.min, hooked.max],
        ['polling (private upstream, token from Secret Manager)', polled.median, polled.min, polled.max],
        ['bound: interval + tick + webhook median', round(bound, 0), '', ''],
      ],
      checks,
    );
    return {
      name: 'tag-by-polling',
      machine,
      quick,
      settings: {
        repetitions,
        warmupRounds: 1,
        pollIntervalSeconds: INTERVAL_SECONDS,
        reconcileEverySeconds: TICK_SECONDS,
        isolation: true,
        project: 'setuptools (sampleSetuptoolsProject)',
      },
      figures: {
        polledMs: polled,
        webhookMs: hooked,
        boundMs: round(bound, 0),
        polledSamples: polledMs,
        webhookSamples: hookedMs,
        extraOverWebhookMs: round(polled.median - hooked.median, 0),
      },
      checks,
      notes: [
        'The polled path waits for the next due poll: on average half an interval plus half a tick more than the webhook path.',
      ],
      durationSeconds: round((Date.now() - started) / 1000, 1),
    };
  } finally {
    await stack.stop();
    await rm(root, { recursive: true, force: true });
  }
}
