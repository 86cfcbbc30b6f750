import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bucket } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followJob } from '../../cli/follow-job.js';
import { readRepositoryIndex } from '../../cli/read-status.js';
import { createUpstreamRepository } from '../../local/demo/create-upstream-repository.js';
import { sampleSetuptoolsProject, type ProjectFiles } from '../../local/demo/sample-project.js';
import { releasePayload, sendDelivery } from '../../local/github/send-delivery.js';
import { installFromIndex, runPython } from '../../local/python/install-from-index.js';
import { startStack, type Stack } from '../../local/stack/start-stack.js';
import { openStackBucket } from './stack-clients.js';

const REPOSITORY = 'mono/platform';

// The files of a project, placed in a folder of the monorepo.
const inFolder = (folder: string, files: ProjectFiles): ProjectFiles =>
  Object.fromEntries(Object.entries(files).map(([path, content]) => [`${folder}/${path}`, content]));

const PACKAGES = [
  // Published under a name of the configuration's, not the project's own.
  { name: 'api', subdirectory: 'services/api', tagPrefix: 'api-v', distributionName: 'acme-platform-api' },
  // Its project says 0.3.0.dev0; the tag's version is written in.
  { name: 'client', subdirectory: 'clients/python', tagPrefix: 'client-v', versionPolicy: 'from-tag' },
];

// Generous against a loaded machine; the two builds run side by side.
const TEST_TIMEOUT_MS = 240_000;

describe('a repository of two packages on the local stack', () => {
  let stack: Stack;
  let bucket: Bucket;

  beforeAll(async () => {
    const root = await mkdtemp(join(tmpdir(), 'pkgrelay-mono-'));
    const configPath = join(root, 'repositories.json');
    await writeFile(
      configPath,
      JSON.stringify({ repositories: [{ repository: REPOSITORY, packages: PACKAGES }] }),
    );
    await createUpstreamRepository(join(root, 'upstreams'), REPOSITORY, [
      {
        files: {
          'README.md': '# platform\n',
          ...inFolder('services/api', sampleSetuptoolsProject('platform-api', 'platform_api', '1.2.0')),
        },
        tag: 'api-v1.2.0',
        annotated: true,
      },
      {
        files: inFolder(
          'clients/python',
          sampleSetuptoolsProject('platform-client', 'platform_client', '0.3.0.dev0'),
        ),
        tag: 'client-v0.3.0',
      },
      { files: { 'docs/index.md': '# docs\n' }, tag: 'docs-v1' },
    ]);
    stack = await startStack({ rootDir: root, configPath });
    bucket = await openStackBucket(stack.info);
    // Installs take the local index alone, whatever this machine's pip configuration adds.
    process.env['PIP_CONFIG_FILE'] = '/dev/null';
  });
  afterAll(async () => stack?.stop());

  const deliver = (event: string, payload: unknown) =>
    sendDelivery({ url: stack.info.webhook.url, secret: stack.info.webhook.secret, event, payload });

  it(
    'publishes each tag as its own package, both installable from the index',
    async () => {
      const api = await deliver('release', releasePayload(REPOSITORY, 'api-v1.2.0'));
      const client = await deliver('push', {
        ref: 'refs/tags/client-v0.3.0',
        created: true,
        deleted: false,
        repository: { full_name: REPOSITORY },
      });
      expect(api).toMatchObject({
        status: 202,
        body: { job: { repository: REPOSITORY, tag: 'api-v1.2.0', version: '1.2.0', package: 'api' } },
      });
      expect(client).toMatchObject({
        status: 202,
        body: { job: { repository: REPOSITORY, tag: 'client-v0.3.0', version: '0.3.0', package: 'client' } },
      });

      const [apiJob, clientJob] = await Promise.all(
        ['api-v1.2.0', 'client-v0.3.0'].map((tag) =>
          followJob(bucket, { repository: REPOSITORY, tag }, { timeoutMs: 180_000 }),
        ),
      );
      expect(apiJob?.state, JSON.stringify(apiJob?.error)).toBe('published');
      expect(clientJob?.state, JSON.stringify(clientJob?.error)).toBe('published');
      expect(apiJob).toMatchObject({ package: 'api', distribution: 'acme-platform-api', version: '1.2.0' });
      expect(clientJob).toMatchObject({ package: 'client', version: '0.3.0' });
      expect(apiJob?.artifacts.map((artifact) => artifact.filename).sort()).toEqual([
        'acme_platform_api-1.2.0-py3-none-any.whl',
        'acme_platform_api-1.2.0.tar.gz',
      ]);
      expect(clientJob?.artifacts.map((artifact) => artifact.filename).sort()).toEqual([
        'platform_client-0.3.0-py3-none-any.whl',
        'platform_client-0.3.0.tar.gz',
      ]);

      // One index for the repository, listing the jobs of both packages.
      // The index follows the job documents: it may settle a moment later.
      await expect
        .poll(
          async () =>
            (await readRepositoryIndex(bucket, REPOSITORY))?.jobs.map(({ tag, package: pkg, state }) => ({
              tag,
              pkg,
              state,
            })),
          { timeout: 30_000 },
        )
        .toEqual([
          { tag: 'api-v1.2.0', pkg: 'api', state: 'published' },
          { tag: 'client-v0.3.0', pkg: 'client', state: 'published' },
        ]);

      const installed = await Promise.all([
        installFromIndex(stack.info.index.url, 'acme-platform-api==1.2.0').then(({ python }) =>
          runPython(python, 'import platform_api; print(platform_api.hello())'),
        ),
        installFromIndex(stack.info.index.url, 'platform-client==0.3.0').then(({ python }) =>
          runPython(
            python,
            'import importlib.metadata as m, platform_client; print(m.version("platform-client"), platform_client.hello())',
          ),
        ),
      ]);
      expect(installed).toEqual([
        'hello from platform-api 1.2.0',
        '0.3.0 hello from platform-client 0.3.0.dev0',
      ]);
    },
    TEST_TIMEOUT_MS,
  );

  it('answers a tag of no package with the packages it could have been', async () => {
    const answer = await deliver('create', {
      ref: 'docs-v1',
      ref_type: 'tag',
      repository: { full_name: REPOSITORY },
    });
    expect(answer).toEqual({
      status: 200,
      deliveryId: answer.deliveryId,
      body: {
        status: 'ignored',
        reason: `tag "docs-v1" matches none of the packages of ${REPOSITORY}: api-v… (api), client-v… (client)`,
      },
    });
  });
});
