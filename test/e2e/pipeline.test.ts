import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Bucket } from '@google-cloud/storage';
import { openStackBucket, readStorageMutations } from './stack-clients.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followJob } from '../../cli/follow-job.js';
import { readRepositoryIndex } from '../../cli/read-status.js';
import { createUpstreamRepository, addUpstreamRelease } from '../../local/demo/create-upstream-repository.js';
import { sampleSetuptoolsProject } from '../../local/demo/sample-project.js';
import { releasePayload, sendDelivery } from '../../local/github/send-delivery.js';
import { installFromIndex, runPython } from '../../local/python/install-from-index.js';
import { startStack, type Stack } from '../../local/stack/start-stack.js';
import { createHash } from 'node:crypto';

const run = promisify(execFile);

// Isolated builds install their tools and backend from PyPI: generous against a loaded machine.
const BUILD_TIMEOUT_MS = 240_000;
const TEST_TIMEOUT_MS = 300_000;

describe('the whole pipeline on the local stack', () => {
  let stack: Stack;
  let bucket: Bucket;
  let upstream: string;

  beforeAll(async () => {
    const root = await mkdtemp(join(tmpdir(), 'pkgrelay-e2e-'));
    const configPath = join(root, 'repositories.json');
    await writeFile(configPath, JSON.stringify({ repositories: [{ repository: 'Octo-Org/Widgets' }] }));
    upstream = await createUpstreamRepository(join(root, 'upstreams'), 'Octo-Org/Widgets', [
      {
        files: sampleSetuptoolsProject('octo-widgets', 'octo_widgets', '0.1.0'),
        tag: 'v0.1.0',
        annotated: true,
      },
    ]);
    stack = await startStack({ rootDir: root, configPath });
    bucket = await openStackBucket(stack.info);
  });
  afterAll(async () => {
    // What Cloud Storage's one write a second per object cost this file: each refusal is a client retry.
    if (stack)
      console.log(`storage writes of the file: ${JSON.stringify(await readStorageMutations(stack.info))}`);
    await stack?.stop();
  });

  it(
    'turns a signed release webhook into a package pip installs',
    async () => {
      const answer = await sendDelivery({
        url: stack.info.webhook.url,
        secret: stack.info.webhook.secret,
        event: 'release',
        payload: releasePayload('octo-org/widgets', 'v0.1.0'),
      });
      expect(answer.status).toBe(202);

      const states: string[] = [];
      const job = await followJob(
        bucket,
        { repository: 'octo-org/widgets', tag: 'v0.1.0' },
        {
          onChange: (status) => states.push(status.state),
          timeoutMs: BUILD_TIMEOUT_MS,
        },
      );
      expect(job.state, JSON.stringify(job.error)).toBe('published');
      expect(job.repository).toBe('Octo-Org/Widgets');
      expect(job.version).toBe('0.1.0');
      expect(job.build?.id).toBeTruthy();
      // Two builds: the one that ran upstream code, and the publisher's, each recorded.
      expect(job.publishBuild?.id).toBeTruthy();
      expect(job.publishBuild?.id).not.toBe(job.build?.id);
      expect(job.schemaVersion).toBe(2);
      for (const [phase, id] of [
        ['build', job.build?.id],
        ['publish', job.publishBuild?.id],
      ]) {
        const resource = (await (
          await fetch(`${stack.info.cloudbuild.host}/v1/projects/${stack.info.projectId}/builds/${id}`)
        ).json()) as {
          startTime: string;
          finishTime: string;
          createTime: string;
          serviceAccount?: string;
          steps: Array<{ name: string }>;
        };
        // Every step on the builder image, as deployed: its pinned tools baked in, none installed by the build.
        for (const step of resource.steps)
          expect(step.name).toMatch(/^localhost\/pkgrelay\/builder:py3\.\d+-[0-9a-f]{12}$/);
        const log = await (await fetch(`${stack.info.cloudbuild.host}/logs/${id}`)).text();
        expect(log).toContain('Finished Step #0');
        expect(log).not.toContain('.pkgrelay-tools');
        // What a job costs now, phase by phase (queue wait included), for the record.
        console.log(
          `${phase} build ${id}: ${Date.parse(resource.finishTime) - Date.parse(resource.createTime)} ms from create to finish, ${Date.parse(resource.finishTime) - Date.parse(resource.startTime)} ms running, as ${resource.serviceAccount}`,
        );
      }
      expect(job.history.map((entry) => entry.state)).toEqual(['queued', 'building', 'published']);
      // What a reader polling the bucket saw: only forward moves, ending published.
      const seen = states.filter((state, index) => state !== states[index - 1]);
      expect(['queued', 'building', 'published'].filter((state) => seen.includes(state))).toEqual(seen);
      expect(seen.at(-1)).toBe('published');
      // Built isolated with a current setuptools, whose sdist name is normalized (PEP 625).
      expect(job.artifacts.map((artifact) => artifact.filename).sort()).toEqual([
        'octo_widgets-0.1.0-py3-none-any.whl',
        'octo_widgets-0.1.0.tar.gz',
      ]);
      expect(job.artifacts.every((artifact) => artifact.uploaded)).toBe(true);

      // The hashes in the status are those of the files the registry serves.
      for (const artifact of job.artifacts) {
        const served = await fetch(new URL(`simple/octo-widgets/`, stack.info.registry.url), {
          headers: { accept: 'application/vnd.pypi.simple.v1+json' },
        }).then(
          (response) =>
            response.json() as Promise<{
              files: Array<{ filename: string; url: string; hashes: { sha256: string } }>;
            }>,
        );
        const file = served.files.find((candidate) => candidate.filename === artifact.filename);
        expect(file?.hashes.sha256).toBe(artifact.sha256);
        const bytes = Buffer.from(
          await (
            await fetch(new URL(file?.url ?? '', new URL(`simple/octo-widgets/`, stack.info.registry.url)))
          ).arrayBuffer(),
        );
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(artifact.sha256);
      }

      const { python } = await installFromIndex(stack.info.index.url, 'octo-widgets==0.1.0');
      expect(await runPython(python, 'import octo_widgets; print(octo_widgets.hello())')).toBe(
        'hello from octo-widgets 0.1.0',
      );

      // The index and badge follow the job document: they may settle a moment later.
      await expect
        .poll(async () => (await readRepositoryIndex(bucket, 'octo-org/widgets'))?.jobs, { timeout: 30_000 })
        .toEqual(expect.arrayContaining([expect.objectContaining({ tag: 'v0.1.0', state: 'published' })]));
      await expect
        .poll(
          async () => {
            const [exists] = await bucket.file('repos/octo-org/widgets/badge.json').exists();
            if (!exists) return undefined;
            const [badge] = await bucket.file('repos/octo-org/widgets/badge.json').download();
            return JSON.parse(badge.toString()) as unknown;
          },
          { timeout: 30_000 },
        )
        .toMatchObject({ schemaVersion: 1, message: 'v0.1.0' });
      const mutations = await readStorageMutations(stack.info);
      console.log(`storage writes of one job: ${JSON.stringify(mutations)}`);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'publishes a tag from a manual Pub/Sub message sent with gcloud, as the README shows',
    async () => {
      await addUpstreamRelease(upstream, {
        files: sampleSetuptoolsProject('octo-widgets', 'octo_widgets', '0.2.0'),
        tag: 'v0.2.0',
      });
      // Exactly the command the README shows for a manual trigger, against the emulator.
      const { stdout } = await run(
        'gcloud',
        [
          'pubsub',
          'topics',
          'publish',
          stack.info.pubsub.topic,
          `--project=${stack.info.projectId}`,
          '--message={"repository":"octo-org/widgets","tag":"v0.2.0"}',
        ],
        {
          env: {
            ...process.env,
            CLOUDSDK_API_ENDPOINT_OVERRIDES_PUBSUB: `http://${stack.info.pubsub.host}/`,
            CLOUDSDK_AUTH_ACCESS_TOKEN_FILE: join(dirname(stack.info.dataDir), 'gcloud-access-token'),
            CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
          },
        },
      );
      expect(stdout).toMatch(/messageIds/);
      const job = await followJob(
        bucket,
        { repository: 'octo-org/widgets', tag: 'v0.2.0' },
        { timeoutMs: BUILD_TIMEOUT_MS },
      );
      expect(job.state, JSON.stringify(job.error)).toBe('published');
      const { python } = await installFromIndex(stack.info.index.url, 'octo-widgets');
      expect(await runPython(python, 'import octo_widgets; print(octo_widgets.__version__)')).toBe('0.2.0');
    },
    TEST_TIMEOUT_MS,
  );
});
