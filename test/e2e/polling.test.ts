import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Bucket } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followJob } from '../../cli/follow-job.js';
import { readJson } from '../../cli/read-status.js';
import type { ReconcileReport } from '../../functions/reconcile/reconcile-report.js';
import { addUpstreamRelease, createUpstreamRepository } from '../../local/demo/create-upstream-repository.js';
import { sampleSetuptoolsProject } from '../../local/demo/sample-project.js';
import { waitUntil } from '../../local/net/wait-until.js';
import { scheduleReconcile, type ReconcileTick } from '../../local/stack/schedule-reconcile.js';
import { startStack, type Stack } from '../../local/stack/start-stack.js';
import { pollStateObjectPath } from '../../shared/contracts/job-id.js';
import { PollState } from '../../shared/status/poll-state.js';
import { tokenForms } from '../../shared/upstream/git-token-env.js';
import { runCli } from '../cli/run-cli.js';
import { createGitRecorder } from '../support/record-git-calls.js';
import { openStackBucket } from './stack-clients.js';

const PRIVATE = 'vendor/private-sdk';
const PUBLIC = 'vendor/public-sdk';
const GONE = 'vendor/gone-sdk';
const TOKEN = `ghp_${randomBytes(18).toString('hex')}`;
// Short, so the test sees several polls; Cloud Scheduler runs reconcile every minute instead.
const INTERVAL_SECONDS = 10;
const TICK_SECONDS = 2;

const release = (name: string, module: string, version: string) => ({
  files: sampleSetuptoolsProject(name, module, version),
  tag: `v${version}`,
  annotated: true,
});

describe('upstreams you do not own: polled, no webhook', () => {
  let root: string;
  let stack: Stack;
  let bucket: Bucket;
  let recorder: Awaited<ReturnType<typeof createGitRecorder>>;
  let stopSchedule: () => void = () => {};
  const ticks: ReconcileTick[] = [];
  const bare: Record<string, string> = {};

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pkgrelay-e2e-polling-'));
    const upstreams = join(root, 'upstreams');
    bare[PRIVATE] = await createUpstreamRepository(upstreams, PRIVATE, [
      release('private-sdk', 'private_sdk', '1.0.0'),
      release('private-sdk', 'private_sdk', '1.1.0'),
    ]);
    bare[PUBLIC] = await createUpstreamRepository(upstreams, PUBLIC, [
      release('public-sdk', 'public_sdk', '0.1.0'),
    ]);
    await mkdir(join(root, 'secrets'), { recursive: true, mode: 0o700 });
    await writeFile(join(root, 'secrets', 'vendor-sdk-token'), `${TOKEN}\n`, { mode: 0o600 });
    const configPath = join(root, 'repositories.json');
    const pollInterval = `${INTERVAL_SECONDS}s`;
    await writeFile(
      configPath,
      JSON.stringify({
        repositories: [
          {
            repository: PRIVATE,
            private: true,
            tokenSecret: 'vendor-sdk-token',
            pollInterval,
            existingTags: { latest: 1 },
          },
          { repository: PUBLIC, pollInterval, existingTags: 'none' },
          { repository: GONE, pollInterval },
        ],
      }),
    );
    // Every git the reconcile function runs goes through the recorder first.
    recorder = await createGitRecorder(root);
    stack = await startStack({
      rootDir: root,
      configPath,
      buildIsolation: false,
      functions: ['worker', 'buildEvents', 'reconcile'],
      functionEnv: { PATH: `${recorder.bin}:${process.env['PATH'] ?? '/usr/bin:/bin'}` },
    });
    bucket = await openStackBucket(stack.info);
  });
  afterAll(async () => {
    stopSchedule();
    await stack?.stop();
  });

  it('previews first contact before anything is built: the latest tag of the private one, none of the public one', async () => {
    const preview = async (repository: string) => {
      const run = await runCli(['poll', repository, '--dry-run', '--json', '--stack', root]);
      expect(run.code, run.stderr).toBe(0);
      return JSON.parse(run.stdout) as ReconcileReport;
    };
    const privatePlan = await preview(PRIVATE);
    expect(privatePlan).toMatchObject({ dryRun: true, enqueued: [], errors: [] });
    expect(privatePlan.polls[0]?.firstContact).toEqual({
      existingTags: { latest: 1 },
      build: ['v1.1.0'],
      left: ['v1.0.0'],
    });
    expect((await preview(PUBLIC)).polls[0]?.firstContact).toEqual({
      existingTags: 'none',
      build: [],
      left: ['v0.1.0'],
    });
    const text = await runCli(['poll', PRIVATE, '--dry-run', '--stack', root]);
    expect(text.stdout).toContain('would build 1: v1.1.0');
    expect(text.stdout).toContain('would leave  1: v1.0.0');
    const [objects] = await bucket.getFiles({ prefix: 'jobs/' });
    expect(objects).toEqual([]);

    // Cloud Scheduler from here on: a POST to reconcile every few seconds, nothing else.
    stopSchedule = scheduleReconcile(stack.info.functions['reconcile'] ?? '', TICK_SECONDS, (tick) =>
      ticks.push(tick),
    );
    const first = await followJob(bucket, { repository: PRIVATE, tag: 'v1.1.0' }, { timeoutMs: 120_000 });
    expect(first.state, JSON.stringify(first.error)).toBe('published');
    expect(first.source).toEqual({ kind: 'reconcile' });
  }, 180_000);

  it.each([
    [PRIVATE, 'private-sdk', 'private_sdk', '1.2.0'],
    [PUBLIC, 'public-sdk', 'public_sdk', '0.2.0'],
  ])(
    'publishes a new tag of %s within one poll interval plus its build',
    async (repository, name, module, version) => {
      const ticksBefore = ticks.length;
      await addUpstreamRelease(bare[repository] ?? '', release(name, module, version));
      const job = await followJob(bucket, { repository, tag: `v${version}` }, { timeoutMs: 120_000 });
      expect(job.state, JSON.stringify(job.error)).toBe('published');
      expect(job.source).toEqual({ kind: 'reconcile' });
      // No webhook runs in this stack: the poll enqueued it, at the first or second poll after the push
      // (the first may have listed the upstream just before it), so within one poll interval.
      const polls = ticks
        .slice(ticksBefore)
        .map((tick) => (tick.body as ReconcileReport | null) ?? undefined)
        .filter((report) => report?.polls?.some((poll) => poll.repository === repository && poll.ok));
      const at = polls.findIndex((report) => report?.enqueued.some((entry) => entry.tag === `v${version}`));
      expect(at).toBeGreaterThanOrEqual(0);
      expect(at).toBeLessThanOrEqual(1);
      const state = await readJson(bucket, pollStateObjectPath(repository), PollState);
      expect(Date.parse(state?.nextPollAt ?? '') - Date.parse(state?.lastPollAt ?? '')).toBe(
        INTERVAL_SECONDS * 1000,
      );
    },
    180_000,
  );

  it('never builds the tags first contact left', async () => {
    const [objects] = await bucket.getFiles({ prefix: 'jobs/' });
    expect(objects.map((object) => object.name).sort()).toEqual([
      'jobs/vendor/private-sdk/v1.1.0.json',
      'jobs/vendor/private-sdk/v1.2.0.json',
      'jobs/vendor/public-sdk/v0.2.0.json',
    ]);
  });

  it('reports an unreachable upstream and retries it with backoff, shown by pkgrelay status', async () => {
    const read = () => readJson(bucket, pollStateObjectPath(GONE), PollState);
    await waitUntil(
      'two failed polls of the gone upstream',
      async () => ((await read())?.consecutiveFailures ?? 0) >= 2,
      {
        timeoutMs: 90_000,
      },
    );
    const state = (await read())!;
    expect(state.lastError).toMatchObject({
      stage: 'upstream',
      message: expect.stringContaining('gone-sdk.git'),
    });
    expect(state.lastSuccessAt).toBeUndefined();
    // The second failure waits two intervals more, not one.
    expect(Date.parse(state.nextPollAt) - Date.parse(state.lastPollAt)).toBe(
      INTERVAL_SECONDS * 2 ** state.consecutiveFailures * 1000,
    );
    const failedTicks = ticks.filter((tick) =>
      (tick.body as ReconcileReport | null)?.polls?.some((poll) => poll.repository === GONE && !poll.ok),
    );
    // Every failure was a scheduled run (one may still be on its way back as the state is read).
    expect(failedTicks.length).toBeLessThanOrEqual(state.consecutiveFailures);
    expect(failedTicks.length).toBeGreaterThanOrEqual(state.consecutiveFailures - 1);
    expect(failedTicks.every((tick) => tick.status === 500)).toBe(true);
    const status = await runCli(['status', GONE, '--stack', root]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(
      /Upstream FAILING: \d poll\(s\) in a row \(never listed\); retried with backoff in/,
    );
    const healthy = await runCli(['status', PRIVATE, '--stack', root]);
    expect(healthy.stdout).toMatch(/Upstream polled .* ago: 3 tags; next poll in/);
  }, 120_000);

  it('keeps the token out of logs, documents, reports and the argv of every git it ran', async () => {
    stopSchedule();
    const calls = await recorder.calls();
    const lsRemotes = calls.filter((call) => call.argv[0] === 'ls-remote');
    expect(lsRemotes.some((call) => call.argv.at(-1)?.endsWith(`/${PRIVATE}.git`))).toBe(true);
    const seen: Record<string, string> = {
      'git argv': JSON.stringify(calls.map((call) => call.argv)),
      ticks: JSON.stringify(ticks),
    };
    // The token went to git through its environment, as a header.
    expect(lsRemotes.find((call) => call.argv.at(-1)?.endsWith(`/${PRIVATE}.git`))?.envNames).toContain(
      'GIT_CONFIG_VALUE_0',
    );
    for (const file of await listFiles(root)) {
      if (relative(root, file).startsWith('secrets/')) continue;
      // An object's file replaced by a later write (the index is written a moment after its jobs) is gone; every
      // object's current bytes are read through the bucket below.
      const text = await readFile(file, 'latin1').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      if (text !== undefined) seen[relative(root, file)] = text;
    }
    expect(Object.keys(seen).some((path) => path === 'logs/reconcile.log')).toBe(true);
    const [objects] = await bucket.getFiles();
    for (const object of objects) seen[`gs://${object.name}`] = (await object.download())[0].toString('utf8');
    const leaks = Object.entries(seen).flatMap(([where, text]) =>
      tokenForms(TOKEN)
        .filter((form) => text.includes(form))
        .map(() => where),
    );
    expect(leaks).toEqual([]);
  });
});

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}
