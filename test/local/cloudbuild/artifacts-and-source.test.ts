import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Storage } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStorageServer, type StorageServer } from '../../../local/storage/start-storage-server.js';
import {
  queuedBuildOf,
  startCloudBuildStack,
  statusName,
  type CloudBuildStack,
} from './start-cloud-build-stack.js';

const BUILDER_A = 'builder-a@pkgrelay-test.iam.gserviceaccount.com';
const BUILDER_B = 'builder-b@pkgrelay-test.iam.gserviceaccount.com';
const decode = (value: unknown): string =>
  typeof value === 'string'
    ? Buffer.from(value, 'base64').toString('utf8')
    : Buffer.from(value as Uint8Array).toString('utf8');

describe('Cloud Build stand-in: artifacts.objects, source.storageSource and per-account secrets', () => {
  let storageRoot: string;
  let storage: StorageServer;
  let stack: CloudBuildStack;
  let client: Storage;

  beforeAll(async () => {
    storageRoot = await mkdtemp(join(tmpdir(), 'pkgrelay-artifacts-'));
    storage = await startStorageServer({ dataDir: storageRoot });
    stack = await startCloudBuildStack(
      { 'token-a': 'secret-of-a', 'token-b': 'secret-of-b' },
      {
        storage: { apiEndpoint: storage.url, projectId: 'pkgrelay-test' },
        // As IAM grants secretAccessor: each builder account its own secret only.
        secretAccess: async (account) =>
          account === BUILDER_A ? ['token-a'] : account === BUILDER_B ? ['token-b'] : [],
      },
    );
    client = new Storage({ apiEndpoint: storage.url, projectId: 'pkgrelay-test' });
    await client.createBucket('staging-bucket');
  });
  afterAll(async () => {
    await stack?.stop();
    await storage?.close();
    await rm(storageRoot, { recursive: true, force: true });
  });

  const create = async (build: Record<string, unknown>) => {
    const [operation] = await stack.client.createBuild({ projectId: stack.projectId, build });
    const id = queuedBuildOf(operation).id ?? '';
    return stack.waitForBuild(id);
  };

  it('uploads matching files after the steps, with a manifest; a later build unpacks them as its source', async () => {
    const built = await create({
      serviceAccount: `projects/pkgrelay-test/serviceAccounts/${BUILDER_A}`,
      steps: [
        {
          id: 'pack',
          name: 'ubuntu',
          entrypoint: 'bash',
          args: [
            '-c',
            'mkdir -p dist && echo wheel-bytes > dist/a.whl && tar czf out.tar.gz dist && echo x > other.txt',
          ],
        },
      ],
      artifacts: { objects: { location: 'gs://staging-bucket/staging/abc/', paths: ['*.tar.gz'] } },
    });
    expect(statusName(built.status), built.statusDetail ?? '').toBe('SUCCESS');
    expect(built.results?.artifactManifest).toBe(
      `gs://staging-bucket/staging/abc/artifacts-${built.id}.json`,
    );
    expect(String(built.results?.numArtifacts)).toBe('1');
    expect(built.results?.artifactTiming?.endTime).toBeTruthy();
    const [names] = await client.bucket('staging-bucket').getFiles({ prefix: 'staging/abc/' });
    expect(names.map((file) => file.name).sort()).toEqual([
      `staging/abc/artifacts-${built.id}.json`,
      'staging/abc/out.tar.gz',
    ]);
    const [manifest] = await client
      .bucket('staging-bucket')
      .file(`staging/abc/artifacts-${built.id}.json`)
      .download();
    expect(JSON.parse(manifest.toString('utf8').trim())).toMatchObject({
      location: expect.stringMatching(/^gs:\/\/staging-bucket\/staging\/abc\/out\.tar\.gz#\d+$/),
    });

    const used = await create({
      source: { storageSource: { bucket: 'staging-bucket', object: 'staging/abc/out.tar.gz' } },
      steps: [
        {
          id: 'read',
          name: 'ubuntu',
          entrypoint: 'bash',
          args: ['-c', 'ls -A > "$$BUILDER_OUTPUT/output"; cat dist/a.whl >> "$$BUILDER_OUTPUT/output"'],
        },
      ],
    });
    expect(statusName(used.status), used.statusDetail ?? '').toBe('SUCCESS');
    // Exactly the archive's content: nothing else of the first build's workspace.
    expect(decode(used.results?.buildStepOutputs?.[0])).toBe('dist\nwheel-bytes\n');
    expect(used.sourceProvenance?.resolvedStorageSource).toMatchObject({
      bucket: 'staging-bucket',
      object: 'staging/abc/out.tar.gz',
    });
  });

  it('fails a build whose source object does not exist, before any step', async () => {
    const build = await create({
      source: { storageSource: { bucket: 'staging-bucket', object: 'staging/none/missing.tar.gz' } },
      steps: [{ name: 'ubuntu', entrypoint: 'bash', args: ['-c', 'exit 0'] }],
    });
    expect(statusName(build.status)).toBe('FAILURE');
    expect(build.statusDetail).toMatch(/missing\.tar\.gz/);
    expect(build.steps?.[0]?.timing?.startTime).toBeFalsy();
  });

  it('gives a build only the secrets its service account may read', async () => {
    const secretStep = (secret: string, account: string) =>
      create({
        serviceAccount: account,
        availableSecrets: {
          secretManager: [
            { versionName: `projects/pkgrelay-test/secrets/${secret}/versions/latest`, env: 'TOKEN' },
          ],
        },
        steps: [
          {
            name: 'ubuntu',
            entrypoint: 'bash',
            args: ['-c', 'printf %s "$$TOKEN" | wc -c > "$$BUILDER_OUTPUT/output"'],
            secretEnv: ['TOKEN'],
          },
        ],
      });
    const own = await secretStep('token-a', BUILDER_A);
    expect(statusName(own.status), own.statusDetail ?? '').toBe('SUCCESS');
    expect(decode(own.results?.buildStepOutputs?.[0]).trim()).toBe(String('secret-of-a'.length));
    const other = await secretStep('token-b', BUILDER_A);
    expect(statusName(other.status)).toBe('FAILURE');
    expect(other.statusDetail).toMatch(
      /PermissionDenied desc = Permission 'secretmanager.versions.access' denied for resource 'projects\/pkgrelay-test\/secrets\/token-b\/versions\/latest'/,
    );
    const none = await secretStep('token-a', '');
    expect(statusName(none.status)).toBe('FAILURE');
  });
});
