import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bucket } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJobStatus } from '../../cli/read-status.js';
import { createUpstreamRepository } from '../../local/demo/create-upstream-repository.js';
import { sampleSetuptoolsProject } from '../../local/demo/sample-project.js';
import { waitUntil } from '../../local/net/wait-until.js';
import { startStack, type Stack } from '../../local/stack/start-stack.js';
import type { ReconcileReport } from '../../functions/reconcile/reconcile-report.js';
import { indexObjectPath } from '../../shared/contracts/job-id.js';
import { JobEvent } from '../../shared/events/job-event.js';
import { EVENT_SIGNATURE_HEADER } from '../../shared/events/sign-event-body.js';
import { verifySignature } from '../../shared/github/verify-signature.js';
import { listPublishedFileDigests } from '../../shared/registry/list-published-files.js';
import { RepositoryIndex } from '../../shared/status/repository-index.js';
import { runCli } from '../cli/run-cli.js';
import { buildTinyProject } from '../local/registry/build-tiny-project.js';
import { runCommand, toolEnv } from '../local/registry/run-command.js';
import { moveUpstreamTag, tagCommit } from '../support/move-upstream-tag.js';
import {
  startNotificationReceiver,
  type NotificationReceiver,
} from '../support/start-notification-receiver.js';
import { openStackBucket } from './stack-clients.js';

const FAILING = 'octo-org/alerts';
const DRIFTING = 'octo-org/drifty';
const ELSEWHERE = 'octo-org/elsewhere';
const HOOK_KEY = 'e2e-hook-key-3f9a';

describe('job events, drift and existing versions on the local stack', () => {
  let root: string;
  let stack: Stack;
  let bucket: Bucket;
  let receiver: NotificationReceiver;
  let drifty: string;
  const cli = (...args: string[]) => runCli([...args, '--stack', root]);
  const requestsTo = (path: string) => receiver.received.filter((request) => request.path === path);
  const eventsAt = (path: string) =>
    requestsTo(path).map((request) => ({
      request,
      event: JobEvent.parse(JSON.parse(request.body.toString())),
    }));

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pkgrelay-e2e-events-'));
    // Every endpoint fails twice before it takes anything, as a flaky receiver would.
    receiver = await startNotificationReceiver({ failFirst: 2 });
    const configPath = join(root, 'repositories.json');
    await writeFile(
      configPath,
      JSON.stringify({
        repositories: [
          { repository: FAILING },
          { repository: DRIFTING },
          { repository: ELSEWHERE, distributionName: 'tiny-elsewhere' },
        ],
        notifications: {
          endpoints: [
            { name: 'ops-slack', format: 'slack', url: `${receiver.url}/slack` },
            {
              name: 'ci-hook',
              format: 'webhook',
              url: `${receiver.url}/hook`,
              signingSecret: 'e2e-hook-key',
              on: ['failed', 'drift', 'skipped'],
            },
          ],
        },
      }),
    );
    await mkdir(join(root, 'secrets'), { recursive: true, mode: 0o700 });
    await writeFile(join(root, 'secrets', 'e2e-hook-key'), `${HOOK_KEY}\n`, { mode: 0o600 });
    const upstreams = join(root, 'upstreams');
    const broken = sampleSetuptoolsProject('octo-alerts', 'octo_alerts', '1.0.0');
    broken['pyproject.toml'] = broken['pyproject.toml']!.replace('setuptools.build_meta', 'no_such_backend');
    await createUpstreamRepository(upstreams, FAILING, [{ files: broken, tag: 'v1.0.0' }]);
    drifty = await createUpstreamRepository(upstreams, DRIFTING, [
      {
        files: sampleSetuptoolsProject('octo-drifty', 'octo_drifty', '0.1.0'),
        tag: 'v0.1.0',
        annotated: true,
      },
    ]);
    await createUpstreamRepository(upstreams, ELSEWHERE, [
      { files: sampleSetuptoolsProject('tiny-elsewhere', 'tiny_elsewhere', '2.0.0'), tag: 'v2.0.0' },
    ]);
    // Offline builds: what is shown here does not depend on how a backend is installed.
    stack = await startStack({
      rootDir: root,
      configPath,
      buildIsolation: false,
      functions: ['worker', 'buildEvents', 'notifier', 'reconcile'],
    });
    bucket = await openStackBucket(stack.info);
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  it('tells Slack and a signed webhook of a failed tag, through a receiver that fails twice first', async () => {
    const run = await cli('trigger', FAILING, 'v1.0.0');
    expect(run.code, run.stderr).toBe(1);
    await waitUntil(
      'both endpoints to take the failure',
      async () => requestsTo('/slack').length >= 3 && requestsTo('/hook').length >= 3,
      { timeoutMs: 60_000 },
    );
    // Pub/Sub redelivered after each 500; the third delivery was taken.
    expect(requestsTo('/slack').map((request) => request.answered)).toEqual([500, 500, 200]);
    expect(requestsTo('/hook').map((request) => request.answered)).toEqual([500, 500, 200]);

    const slack = JSON.parse(requestsTo('/slack')[2]!.body.toString()) as {
      text: string;
      blocks: Array<{ type: string; text: { type: string; text: string } }>;
    };
    expect(slack.text).toBe(`Build failed: ${FAILING} v1.0.0`);
    expect(slack.blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
    expect(slack.blocks[0]!.text.text).toMatch(/BUILD_FAILED|BACKEND|NOT_A_PYTHON_PROJECT/);

    const hook = requestsTo('/hook')[2]!;
    expect(verifySignature(hook.body, hook.headers[EVENT_SIGNATURE_HEADER] as string, [HOOK_KEY])).toEqual({
      success: true,
      data: undefined,
    });
    expect(
      verifySignature(hook.body, hook.headers[EVENT_SIGNATURE_HEADER] as string, ['not-it']),
    ).toMatchObject({
      success: false,
    });
    const event = JobEvent.parse(JSON.parse(hook.body.toString()));
    const job = await readJobStatus(bucket, { repository: FAILING, tag: 'v1.0.0' });
    expect(event).toMatchObject({
      type: 'transition',
      repository: FAILING,
      tag: 'v1.0.0',
      state: 'failed',
      previousState: job?.history.at(-2)?.state,
      error: { code: job?.error?.code, message: job?.error?.message },
      upstream: job?.upstream,
    });
    expect(hook.headers['x-pkgrelay-delivery']).toBe(event.id);
  });

  it('reports a tag force-moved upstream from reconcile, tells the endpoints, and never republishes it', async () => {
    const published = await cli('trigger', DRIFTING, 'v0.1.0');
    expect(published.code, published.stderr).toBe(0);
    const before = await readJobStatus(bucket, { repository: DRIFTING, tag: 'v0.1.0' });
    const builtFrom = await tagCommit(drifty, 'v0.1.0');
    expect(before).toMatchObject({ state: 'published', upstream: { commit: builtFrom } });
    expect(before?.upstream?.tree).toMatch(/^[0-9a-f]{40}$/);
    // Reconcile finds what was built, and from which commit, in the index, derived from the job documents
    // a moment after they change: until it shows this job there, reconcile has nothing to compare.
    const indexEntry = async () => {
      const [index] = await bucket.file(indexObjectPath(DRIFTING)).download();
      return RepositoryIndex.parse(JSON.parse(index.toString())).jobs[0];
    };
    await expect
      .poll(indexEntry, { timeout: 30_000 })
      .toMatchObject({ tag: 'v0.1.0', state: 'published', commit: builtFrom });

    const moved = await moveUpstreamTag(drifty, 'v0.1.0', { 'CHANGES.md': 'a different 0.1.0\n' });
    // As Cloud Scheduler runs it, for this repository only (the others' tags are the later tests').
    const answer = await fetch(stack.info.functions['reconcile']!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ repositories: [DRIFTING] }),
    });
    expect(answer.status).toBe(200);
    const report = (await answer.json()) as ReconcileReport;
    expect(report.drifted).toEqual([
      {
        repository: DRIFTING,
        tag: 'v0.1.0',
        kind: 'moved',
        recordedCommit: builtFrom,
        upstreamCommit: moved,
      },
    ]);
    expect(report.enqueued).toEqual([]);
    const job = await readJobStatus(bucket, { repository: DRIFTING, tag: 'v0.1.0' });
    expect(job).toMatchObject({
      state: 'published',
      drift: { kind: 'moved', recordedCommit: builtFrom, upstreamCommit: moved },
    });
    // The index is derived from the job documents a moment after they change: poll for the drift there.
    await expect.poll(indexEntry, { timeout: 30_000 }).toMatchObject({
      tag: 'v0.1.0',
      commit: builtFrom,
      drift: { kind: 'moved', recordedCommit: builtFrom, upstreamCommit: moved },
    });
    await waitUntil(
      'the drift to reach both endpoints',
      async () =>
        eventsAt('/hook').some(({ event, request }) => event.type === 'drift' && request.answered === 200) &&
        requestsTo('/slack').some((request) => request.body.toString().includes('Tag moved upstream')),
      { timeoutMs: 60_000 },
    );
    const slack = requestsTo('/slack').find((request) =>
      request.body.toString().includes('Tag moved upstream'),
    );
    expect(JSON.parse(slack!.body.toString())).toMatchObject({
      text: `Tag moved upstream: ${DRIFTING} v0.1.0 now points at ${moved.slice(0, 12)}, built from ${builtFrom.slice(0, 12)}`,
    });

    // Forced, the moved tag is not rebuilt: the version keeps the files it was published with.
    const index0 = stack.info.registry.url;
    const filesBefore = await listPublishedFileDigests(index0, 'octo-drifty', '0.1.0');
    const forced = await cli('trigger', DRIFTING, 'v0.1.0', '--force');
    expect(forced.code, forced.stderr).toBe(1);
    const after = await readJobStatus(bucket, { repository: DRIFTING, tag: 'v0.1.0' });
    // The fetch step refuses the moved tag before any of its code runs, naming both commits.
    expect(after).toMatchObject({
      state: 'failed',
      attempt: 2,
      replaces: { attempt: 1, state: 'published', commit: builtFrom, publishedFrom: builtFrom },
      error: { code: 'SOURCE_MOVED', step: 'fetch' },
      upstream: { commit: moved },
    });
    expect(after?.error?.message).toContain(
      `now points at ${moved}, but version 0.1.0 was published from ${builtFrom}`,
    );
    expect(after?.history.find((entry) => entry.attempt === 2)?.note).toBe(
      `forced after published, replacing attempt 1 built from ${builtFrom}`,
    );
    expect(await listPublishedFileDigests(index0, 'octo-drifty', '0.1.0')).toEqual(filesBefore);
  });

  it('ends a version already in the index from elsewhere skipped, naming those files and their digests', async () => {
    const project = await buildTinyProject(join(root, 'elsewhere'), {
      name: 'tiny-elsewhere',
      version: '2.0.0',
      module: 'tiny_elsewhere',
      requiresPython: '>=3.8',
    });
    const upload = await runCommand(
      '/usr/bin/twine',
      ['upload', '--non-interactive', '--disable-progress-bar', '--repository-url', stack.info.registry.url]
        .concat(['-u', 'someone', '-p', 'else'])
        .concat(project.files.map((file) => file.path)),
      { env: toolEnv(join(root, 'elsewhere')) },
    );
    expect(upload.code, upload.output).toBe(0);

    const run = await cli('trigger', ELSEWHERE, 'v2.0.0');
    expect(run.code, run.stderr).toBe(0);
    const job = await readJobStatus(bucket, { repository: ELSEWHERE, tag: 'v2.0.0' });
    expect(job?.state).toBe('skipped');
    expect(job?.build).toBeUndefined();
    expect(job?.reason).toContain('published outside pkgrelay');
    for (const file of project.files) {
      expect(job?.reason).toContain(`${file.filename} (sha256 ${file.sha256})`);
      expect(job?.existingFiles).toContainEqual({
        filename: file.filename,
        sha256: file.sha256,
        publishedBy: 'outside',
      });
    }
    await waitUntil(
      'the skip to reach the webhook',
      async () =>
        eventsAt('/hook').some(({ event }) => event.state === 'skipped' && event.repository === ELSEWHERE),
      { timeoutMs: 60_000 },
    );
    const skipped = eventsAt('/hook').find(({ event }) => event.repository === ELSEWHERE)!.event;
    expect(skipped.reason).toBe(job?.reason);

    // The failure of the first test was told once to each endpoint, whatever came later.
    const failure = eventsAt('/hook').filter(
      ({ event }) => event.repository === FAILING && event.state === 'failed',
    );
    expect(failure.map(({ request }) => request.answered)).toEqual([500, 500, 200]);
  });
});
