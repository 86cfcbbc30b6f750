import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHttpServer, type GitHttpServer } from '../../../local/git/start-git-http-server.js';
import { waitUntil } from '../../../local/net/wait-until.js';
import { startRegistryServer, type RegistryServer } from '../../../local/registry/start-registry-server.js';
import {
  createUpstreamRepository,
  queuedBuildOf,
  startCloudBuildStack,
  statusName,
  type CloudBuildStack,
} from './start-cloud-build-stack.js';

const SECRET = 'registry-token-7f3a9c-do-not-print';
const decode = (value: unknown): string =>
  typeof value === 'string'
    ? Buffer.from(value, 'base64').toString('utf8')
    : Buffer.from(value as Uint8Array).toString('utf8');

describe('Cloud Build stand-in: builds that run', () => {
  let stack: CloudBuildStack;
  let registry: RegistryServer;
  let git: GitHttpServer;
  let upstream: string;

  beforeAll(async () => {
    stack = await startCloudBuildStack({ 'registry-token': SECRET });
    registry = await startRegistryServer({
      dataDir: join(stack.root, 'registry'),
      credentials: { username: 'oauth2accesstoken', password: SECRET },
    });
    const repoDir = join(stack.root, 'upstream', 'acme', 'demo-lib');
    await mkdir(repoDir, { recursive: true });
    await createUpstreamRepository(repoDir, 'pkgrelay-demo-lib');
    // A sandboxed step sees no host folder but its workspace: the upstream is reached over HTTP, as GitHub is.
    git = await startGitHttpServer({ projectRoot: join(stack.root, 'upstream') });
    upstream = `${git.url}/acme/demo-lib`;
  });
  afterAll(async () => {
    await git?.close();
    await registry?.close();
    await stack?.stop();
  });

  it('fetches a tag with git, builds sdist and wheel, uploads with twine and reports SUCCESS', async () => {
    const { client, projectId } = stack;
    const [operation] = await client.createBuild({
      projectId,
      build: {
        steps: [
          {
            id: 'fetch',
            name: 'gcr.io/cloud-builders/git',
            args: ['clone', '--depth', '1', '--branch', '${_TAG}', '${_UPSTREAM}', 'src'],
          },
          {
            id: 'build',
            name: 'python',
            entrypoint: '/usr/bin/python3',
            args: ['-m', 'build', '--no-isolation', '--skip-dependency-check', '--outdir', 'dist', 'src'],
          },
          {
            id: 'hash',
            name: 'bash',
            entrypoint: 'bash',
            dir: 'dist',
            args: ['-c', 'sha256sum * | tee "$$BUILDER_OUTPUT/output"'],
          },
          {
            id: 'upload',
            name: 'python',
            entrypoint: 'twine',
            args: ['upload', '--non-interactive', '--repository-url', '${_REPOSITORY_URL}', 'dist/*'],
            env: ['TWINE_USERNAME=oauth2accesstoken'],
            secretEnv: ['TWINE_PASSWORD'],
          },
        ],
        substitutions: {
          _TAG: 'v0.1.0',
          _UPSTREAM: upstream,
          _REPOSITORY_URL: registry.repositoryUrl(projectId, 'python'),
        },
        availableSecrets: {
          secretManager: [
            {
              versionName: `projects/${projectId}/secrets/registry-token/versions/latest`,
              env: 'TWINE_PASSWORD',
            },
          ],
        },
        timeout: { seconds: 300 },
      },
    });
    const metadata = { build: queuedBuildOf(operation) };
    const id = metadata.build.id ?? '';
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(statusName(metadata.build?.status)).toBe('QUEUED');
    expect(metadata.build?.logUrl).toBe(`${stack.server.url}/logs/${id}`);
    expect(operation.done).toBe(false);

    const build = await stack.waitForBuild(id);
    const log = await (await fetch(metadata.build?.logUrl ?? '')).text();
    expect(statusName(build.status), log).toBe('SUCCESS');
    expect(build.steps?.map((step) => statusName(step.status))).toEqual([
      'SUCCESS',
      'SUCCESS',
      'SUCCESS',
      'SUCCESS',
    ]);
    expect(build.startTime).toBeTruthy();
    expect(build.finishTime).toBeTruthy();
    expect(build.steps?.[0]?.timing?.startTime).toBeTruthy();

    const outputs = build.results?.buildStepOutputs ?? [];
    expect(outputs).toHaveLength(4);
    const hashes = decode(outputs[2]);
    expect(hashes).toMatch(/^[0-9a-f]{64} {2}pkgrelay_demo_lib-0\.1\.0-py3-none-any\.whl$/m);
    expect(hashes).toMatch(/^[0-9a-f]{64} {2}pkgrelay[-_]demo[-_]lib-0\.1\.0\.tar\.gz$/m);

    const page = await fetch(`${registry.repositoryUrl(projectId, 'python')}simple/pkgrelay-demo-lib/`, {
      headers: { authorization: `Basic ${Buffer.from(`oauth2accesstoken:${SECRET}`).toString('base64')}` },
    });
    expect(await page.text()).toContain('pkgrelay_demo_lib-0.1.0-py3-none-any.whl');

    expect(log).toContain('Starting Step #0 - "fetch"');
    expect(log).toMatch(/^Step #1 - "build": Successfully built /m);
    expect(log).toContain('Finished Step #3 - "upload"');
    expect(log).not.toContain(SECRET);

    const done = await client.checkCreateBuildProgress(operation.name ?? '');
    expect(done.done).toBe(true);
    expect(statusName((done.result as { status?: unknown } | undefined)?.status)).toBe('SUCCESS');

    const notes = await stack.waitForNotifications(id, ['QUEUED', 'WORKING', 'SUCCESS']);
    const success = notes.find((n) => n.attributes['status'] === 'SUCCESS');
    expect(success?.build).toMatchObject({
      id,
      projectId,
      status: 'SUCCESS',
      logUrl: metadata.build?.logUrl,
    });
    expect((success?.build['results'] as { buildStepOutputs: string[] }).buildStepOutputs[2]).toBe(
      Buffer.from(hashes).toString('base64'),
    );
    expect(notes.find((n) => n.attributes['status'] === 'QUEUED')?.build['status']).toBe('QUEUED');
    expect(JSON.stringify(notes)).not.toContain(SECRET);

    const [listed] = await client.listBuilds(
      { projectId, filter: `build_id="${id}"` },
      { autoPaginate: false },
    );
    expect(listed.map((b) => b.id)).toEqual([id]);
  });

  it('substitutes built-ins, user keys in both forms and $$ into args, env and dir, as data', async () => {
    const { client, projectId } = stack;
    const script = [
      'import json, os, sys',
      'out = {"args": sys.argv[1:], "env": os.environ["GREETING"], "cwd": os.getcwd(), "path": os.environ["PATH"]}',
      'open(os.environ["BUILDER_OUTPUT"] + "/output", "w").write(json.dumps(out))',
    ].join('\n');
    const [operation] = await client.createBuild({
      projectId,
      build: {
        steps: [
          {
            name: 'python',
            entrypoint: '/usr/bin/python3',
            dir: 'nested/$_NAME',
            env: ['GREETING=${_GREETING} from $PROJECT_ID'],
            args: [
              '-c',
              script,
              '$PROJECT_ID',
              '${_GREETING}',
              '$_NAME-suffix',
              '$$HOME',
              '$$_NAME',
              '$BUILD_ID',
              '$PROJECT_NUMBER',
              '$LOCATION',
              "'; rm -rf / #",
            ],
          },
        ],
        substitutions: { _GREETING: 'hello world; $(id)', _NAME: 'demo' },
      },
    });
    const id = queuedBuildOf(operation).id ?? '';
    const build = await stack.waitForBuild(id);
    expect(statusName(build.status)).toBe('SUCCESS');
    const seen = JSON.parse(decode(build.results?.buildStepOutputs?.[0])) as {
      args: string[];
      env: string;
      cwd: string;
      path: string;
    };
    expect(seen.args.slice(0, 5)).toEqual([
      projectId,
      'hello world; $(id)',
      'demo-suffix',
      '$HOME',
      '$_NAME',
    ]);
    expect(seen.args[5]).toBe(id);
    expect(seen.args[6]).toMatch(/^\d{12}$/);
    expect(seen.args.slice(7)).toEqual(['global', "'; rm -rf / #"]);
    expect(seen.env).toBe(`hello world; $(id) from ${projectId}`);
    expect(seen.cwd).toBe('/workspace/nested/demo');
    expect(seen.path).toBe('/usr/local/bin:/usr/bin:/bin');
  });

  it('gives secretEnv from the secrets folder to the step and keeps it out of the log and build JSON', async () => {
    const { client, projectId } = stack;
    const [operation] = await client.createBuild({
      projectId,
      build: {
        steps: [
          {
            id: 'use-secret',
            name: 'bash',
            entrypoint: 'bash',
            args: [
              '-c',
              'echo "length ${#API_KEY}"; printf %s "$$API_KEY" | sha256sum | cut -c1-64 > "$$BUILDER_OUTPUT/output"',
            ],
            secretEnv: ['API_KEY'],
          },
        ],
        availableSecrets: {
          secretManager: [
            { versionName: `projects/${projectId}/secrets/registry-token/versions/3`, env: 'API_KEY' },
          ],
        },
      },
    });
    const id = queuedBuildOf(operation).id ?? '';
    const build = await stack.waitForBuild(id);
    expect(statusName(build.status)).toBe('SUCCESS');
    expect(decode(build.results?.buildStepOutputs?.[0]).trim()).toBe(
      createHash('sha256').update(SECRET).digest('hex'),
    );
    const log = await (await fetch(`${stack.server.url}/logs/${id}`)).text();
    expect(log).toContain(`Step #0 - "use-secret": length ${SECRET.length}`);
    const rest = await (await fetch(`${stack.server.url}/v1/projects/${projectId}/builds/${id}`)).text();
    const stored = await readFile(join(stack.dataDir, 'builds', id, 'build.json'), 'utf8');
    const notes = await stack.waitForNotifications(id, ['SUCCESS']);
    for (const text of [log, rest, stored, JSON.stringify(notes)]) expect(text).not.toContain(SECRET);
    // As Cloud Build discards a worker's disk: of a finished build only its record and its log stay.
    const folder = join(stack.dataDir, 'builds', id);
    await waitUntil('the finished build’s workspace to be discarded', async () =>
      (await readdir(folder)).every((name) => !['workspace', 'home', 'outputs'].includes(name)),
    );
    expect((await readdir(folder)).sort()).toEqual(['build.json', 'log.txt']);
  });

  it('fails a build whose step exits nonzero, with failureInfo and per-step statuses', async () => {
    const { client, projectId } = stack;
    const [operation] = await client.createBuild({
      projectId,
      build: {
        steps: [
          { id: 'ok', name: 'bash', entrypoint: 'true' },
          {
            id: 'verify',
            name: 'gcr.io/cloud-builders/bash',
            args: ['-c', 'echo checking metadata; exit 3'],
          },
          { id: 'never', name: 'bash', entrypoint: 'true' },
        ],
      },
    });
    const id = queuedBuildOf(operation).id ?? '';
    const build = await stack.waitForBuild(id);
    expect(statusName(build.status)).toBe('FAILURE');
    expect(build.steps?.map((s) => statusName(s.status))).toEqual(['SUCCESS', 'FAILURE', 'QUEUED']);
    expect(build.failureInfo?.detail).toBe(
      'Build step failure: build step 1 "gcr.io/cloud-builders/bash" failed: step exited with non-zero status: 3',
    );
    const [raw] = await Promise.all([
      fetch(`${stack.server.url}/v1/projects/${projectId}/builds/${id}`).then(
        (r) => r.json() as Promise<Record<string, unknown>>,
      ),
    ]);
    expect(raw['failureInfo']).toEqual({ type: 'USER_BUILD_STEP', detail: build.failureInfo?.detail });
    const log = await (await fetch(`${stack.server.url}/logs/${id}`)).text();
    expect(log).toContain('Step #1 - "verify": checking metadata');
    expect(log).not.toContain('Starting Step #2');
    await stack.waitForNotifications(id, ['QUEUED', 'WORKING', 'FAILURE']);
  });

  it('fails a build whose step program does not exist, naming the program', async () => {
    const { client, projectId } = stack;
    const [operation] = await client.createBuild({
      projectId,
      build: {
        steps: [{ id: 'tool', name: 'python', entrypoint: 'pkgrelay-no-such-tool', args: ['--version'] }],
      },
    });
    const id = queuedBuildOf(operation).id ?? '';
    const build = await stack.waitForBuild(id);
    expect(statusName(build.status)).toBe('FAILURE');
    expect(build.failureInfo?.detail).toContain(
      '"pkgrelay-no-such-tool": executable file not found in $PATH',
    );
    expect(statusName(build.steps?.[0]?.status)).toBe('FAILURE');
  });
});
