import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PubSub } from '@google-cloud/pubsub';
import type { Bucket } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followJob } from '../../cli/follow-job.js';
import { openStatusBucket, readJobStatus } from '../../cli/read-status.js';
import { addUpstreamRelease, createUpstreamRepository } from '../../local/demo/create-upstream-repository.js';
import { sampleSetuptoolsProject } from '../../local/demo/sample-project.js';
import { startStack, type Stack } from '../../local/stack/start-stack.js';
import type { ReconcileReport } from '../../functions/reconcile/reconcile-report.js';
import { waitUntil } from '../../local/net/wait-until.js';
import { jobBuildTag } from '../../shared/build/job-build-tag.js';
import { isFinalBuildStatus } from '../../shared/build/read-build-notification.js';
import { runCli } from '../cli/run-cli.js';

const REPO = 'octo-org/gadgets';

describe('reconcile on the local stack', () => {
  let stack: Stack;
  let root: string;
  let upstream: string;
  let bucket: Bucket;
  const reconcile = async (...args: string[]) => {
    const run = await runCli(['reconcile', '--json', '--stack', root, ...args]);
    expect(run.code, run.stderr).toBe(0);
    return JSON.parse(run.stdout) as ReconcileReport;
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pkgrelay-e2e-reconcile-'));
    const configPath = join(root, 'repositories.json');
    await writeFile(configPath, JSON.stringify({ repositories: [{ repository: REPO }] }));
    upstream = await createUpstreamRepository(join(root, 'upstreams'), REPO, [
      {
        files: sampleSetuptoolsProject('octo-gadgets', 'octo_gadgets', '0.1.0'),
        tag: 'v0.1.0',
        annotated: true,
      },
    ]);
    // What this suite proves does not depend on how a backend is installed: offline builds keep it fast.
    stack = await startStack({
      buildIsolation: false,
      rootDir: root,
      configPath,
      functions: ['worker', 'buildEvents', 'reconcile'],
    });
    bucket = await openStatusBucket(stack.info.storage.bucket, {
      apiEndpoint: stack.info.storage.host,
      projectId: stack.info.projectId,
    });
  });
  afterAll(async () => stack?.stop());

  const buildsUrl = () => `${stack.info.cloudbuild.host}/v1/projects/${stack.info.projectId}/builds`;
  const buildStatus = async (id: string): Promise<string> =>
    ((await (await fetch(`${buildsUrl()}/${id}`)).json()) as { status: string }).status;
  /** The publish builds of v0.2.0, as Cloud Build lists them. */
  const publishBuilds = async (): Promise<Array<{ id: string }>> => {
    const url = new URL(buildsUrl());
    url.searchParams.set('filter', `tags="${jobBuildTag({ repository: REPO, tag: 'v0.2.0' })}"`);
    const body = (await (await fetch(url)).json()) as {
      builds?: Array<{ id: string; substitutions?: Record<string, string> }>;
    };
    return (body.builds ?? []).filter((build) => build.substitutions?.['_PKGRELAY_PHASE'] === 'publish');
  };

  it('publishes a tag whose webhook was never sent, and enqueues it only once', async () => {
    const report = await reconcile();
    expect(report).toMatchObject({
      enqueued: [{ repository: REPO, tag: 'v0.1.0', version: '0.1.0' }],
      errors: [],
    });
    const job = await followJob(bucket, { repository: REPO, tag: 'v0.1.0' }, { timeoutMs: 60_000 });
    expect(job.state, JSON.stringify(job.error)).toBe('published');
    // Jobs record who started them: here the CLI's `pkgrelay reconcile`.
    expect(job.source).toMatchObject({
      kind: 'reconcile',
      actor: expect.stringMatching(/^pkgrelay reconcile by /),
    });
    expect(job.history.map((entry) => entry.state)).toEqual(['queued', 'building', 'published']);
    expect(await reconcile()).toEqual({ enqueued: [], settled: [], drifted: [], errors: [], polls: [] });
  });

  // A job is two builds: the build phase's SUCCESS only starts the publish phase, whose own SUCCESS
  // publishes. With every notification lost, reconcile must start the publish phase, then settle from it.
  it('settles a job whose final build notification was lost, and never moves it back', async () => {
    // Without the build-events subscription every cloud-builds notification is lost from here on.
    const pubsub = new PubSub({
      projectId: stack.info.projectId,
      apiEndpoint: stack.info.pubsub.host,
      emulatorMode: true,
    });
    try {
      await pubsub.subscription('pkgrelay-build-events').delete();
    } finally {
      await pubsub.close();
    }
    await addUpstreamRelease(upstream, {
      files: sampleSetuptoolsProject('octo-gadgets', 'octo_gadgets', '0.2.0'),
      tag: 'v0.2.0',
    });
    const triggered = await runCli(['trigger', REPO, 'v0.2.0', '--no-wait', '--stack', root]);
    expect(triggered.code, triggered.stderr).toBe(0);
    const id = { repository: REPO, tag: 'v0.2.0' };

    // Wait for the build phase to end in Cloud Build while the job, unaware, stays queued.
    let buildId = '';
    await waitUntil(
      'the build phase to end',
      async () => {
        buildId ||= (await readJobStatus(bucket, id))?.build?.id ?? '';
        return buildId !== '' && isFinalBuildStatus(await buildStatus(buildId));
      },
      { timeoutMs: 90_000 },
    );
    expect(await buildStatus(buildId)).toBe('SUCCESS');
    expect((await readJobStatus(bucket, id))?.state).toBe('queued');
    expect(await publishBuilds()).toEqual([]);

    // The default threshold (the build timeout) has not passed: nothing is looked up yet.
    expect((await reconcile()).settled).toEqual([]);
    const started = await reconcile('--stuck-after', '0');
    expect(started).toEqual({
      enqueued: [],
      drifted: [],
      errors: [],
      // Polled a moment ago: not due again for its interval.
      polls: [],
      settled: [
        {
          repository: REPO,
          tag: 'v0.2.0',
          attempt: 1,
          buildId,
          buildStatus: 'SUCCESS',
          from: 'queued',
          to: 'building',
          publishBuildId: expect.any(String),
        },
      ],
    });
    const publishBuildId = started.settled[0]?.publishBuildId ?? '';
    expect(await readJobStatus(bucket, id)).toMatchObject({
      state: 'building',
      publishBuild: { id: publishBuildId },
    });
    // Its notifications are lost too: the job stays building while the publish phase ends.
    await waitUntil(
      'the publish phase to end',
      async () => isFinalBuildStatus(await buildStatus(publishBuildId)),
      { timeoutMs: 90_000 },
    );
    expect(await buildStatus(publishBuildId)).toBe('SUCCESS');
    expect((await readJobStatus(bucket, id))?.state).toBe('building');

    expect((await reconcile('--stuck-after', '0')).settled).toEqual([
      {
        repository: REPO,
        tag: 'v0.2.0',
        attempt: 1,
        buildId: publishBuildId,
        buildStatus: 'SUCCESS',
        phase: 'publish',
        from: 'building',
        to: 'published',
      },
    ]);
    const job = await readJobStatus(bucket, id);
    expect(job?.state).toBe('published');
    expect(job?.artifacts.map((artifact) => artifact.filename).sort()).toEqual([
      'octo-gadgets-0.2.0.tar.gz',
      'octo_gadgets-0.2.0-py3-none-any.whl',
    ]);
    expect(job?.history.map((entry) => entry.state)).toEqual(['queued', 'building', 'published']);
    expect(job?.history.at(-1)).toMatchObject({ state: 'published', note: 'settled by reconcile' });
    // One build of each phase for the attempt, however many runs looked at it.
    expect((await publishBuilds()).map((build) => build.id)).toEqual([publishBuildId]);

    expect(await reconcile('--stuck-after', '0')).toEqual({
      enqueued: [],
      settled: [],
      drifted: [],
      errors: [],
      polls: [],
    });
    // The index is derived a moment after the job documents; it shows both published once it is written.
    const listed = /v0\.2\.0\s+0\.2\.0\s+published[\s\S]*v0\.1\.0\s+0\.1\.0\s+published/;
    await waitUntil('the index to show both jobs published', async () =>
      listed.test((await runCli(['status', REPO, '--stack', root])).stdout),
    );
  });
});
