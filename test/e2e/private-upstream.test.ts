import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import type { Bucket } from '@google-cloud/storage';
import { openStackBucket, publishReleaseRequests } from './stack-clients.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followJob } from '../../cli/follow-job.js';
import { createUpstreamRepository } from '../../local/demo/create-upstream-repository.js';
import { sampleSetuptoolsProject } from '../../local/demo/sample-project.js';
import { startGitHttpServer, type GitHttpServer } from '../../local/git/start-git-http-server.js';
import { installFromIndex, runPython } from '../../local/python/install-from-index.js';
import { startStack, type Stack } from '../../local/stack/start-stack.js';
import type { JobStatus } from '../../shared/status/job-status.js';

const run = promisify(execFile);
const TOKEN = `ghp_${randomBytes(18).toString('hex')}`;
const STALE = `ghp_${randomBytes(18).toString('hex')}`;
// Each secret as it could leak: itself, or inside the Basic header git sends.
const FORBIDDEN = [TOKEN, STALE].flatMap((token) => [
  token,
  Buffer.from(`x-access-token:${token}`).toString('base64'),
]);

describe('a private upstream behind a token', () => {
  let root: string;
  let git: GitHttpServer;
  let stack: Stack;
  let bucket: Bucket;
  const jobs: JobStatus[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pkgrelay-private-'));
    const upstreams = join(root, 'private-upstreams');
    for (const repository of ['secret-org/private-lib', 'secret-org/stale-lib']) {
      await createUpstreamRepository(upstreams, repository, [
        {
          files: sampleSetuptoolsProject('private-lib', 'private_lib', '2.0.0'),
          tag: 'v2.0.0',
          annotated: true,
        },
      ]);
    }
    git = await startGitHttpServer({ projectRoot: upstreams, token: TOKEN });
    // The stand-in reads availableSecrets from these files; a trailing newline is what editors leave.
    await mkdir(join(root, 'secrets'), { recursive: true });
    await writeFile(join(root, 'secrets', 'private-lib-token'), `${TOKEN}\n`, { mode: 0o600 });
    await writeFile(join(root, 'secrets', 'stale-lib-token'), STALE, { mode: 0o600 });
    const configPath = join(root, 'repositories.json');
    await writeFile(
      configPath,
      JSON.stringify({
        repositories: [
          { repository: 'secret-org/private-lib', private: true, tokenSecret: 'private-lib-token' },
          { repository: 'secret-org/stale-lib', private: true, tokenSecret: 'stale-lib-token' },
        ],
      }),
    );
    // What this suite proves does not depend on how a backend is installed: offline builds keep it fast.
    stack = await startStack({ rootDir: root, configPath, upstreamBase: git.url, buildIsolation: false });
    bucket = await openStackBucket(stack.info);
    await publishReleaseRequests(stack.info, [
      { repository: 'secret-org/private-lib', tag: 'v2.0.0' },
      { repository: 'secret-org/stale-lib', tag: 'v2.0.0' },
    ]);
  });
  afterAll(async () => {
    await stack?.stop();
    await git?.close();
  });

  it('refuses to serve the upstream without the token', async () => {
    await expect(
      run('git', ['ls-remote', `${git.url}/secret-org/private-lib.git`], {
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
      }),
    ).rejects.toThrow(/401|Authentication failed|could not read Username/);
    const header = `Authorization: Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`;
    const { stdout } = await run('git', [
      '-c',
      `http.extraHeader=${header}`,
      'ls-remote',
      `${git.url}/secret-org/private-lib.git`,
    ]);
    expect(stdout).toContain('refs/tags/v2.0.0');
  });

  it('publishes a tag of the private upstream, fetched with the token from the secrets', async () => {
    const job = await followJob(
      bucket,
      { repository: 'secret-org/private-lib', tag: 'v2.0.0' },
      { timeoutMs: 150_000 },
    );
    jobs.push(job);
    expect(job.state, JSON.stringify(job.error)).toBe('published');
    const { python } = await installFromIndex(stack.info.index.url, 'private-lib==2.0.0');
    expect(await runPython(python, 'import private_lib; print(private_lib.hello())')).toBe(
      'hello from private-lib 2.0.0',
    );
  }, 240_000);

  it('fails SOURCE_NOT_FOUND, pointing at the token, when the upstream refuses it', async () => {
    const job = await followJob(
      bucket,
      { repository: 'secret-org/stale-lib', tag: 'v2.0.0' },
      { timeoutMs: 150_000 },
    );
    jobs.push(job);
    expect(job.state).toBe('failed');
    expect(job.error).toMatchObject({ code: 'SOURCE_NOT_FOUND', step: 'fetch' });
    expect(job.error?.message).toContain('the token can read it');
    expect(git.requests.some((request) => request.status === 401)).toBe(true);
  }, 240_000);

  it('keeps the token out of every log, status document and build argument', async () => {
    expect(jobs).toHaveLength(2);
    const seen: Record<string, string> = {};

    // Function logs, and every file the stack keeps apart from the secrets themselves.
    for (const file of await listFiles(root)) {
      if (relative(root, file).startsWith('secrets/')) continue;
      seen[relative(root, file)] = await readFile(file, 'latin1');
    }
    expect(Object.keys(seen).filter((path) => path.startsWith('logs/')).length).toBeGreaterThan(0);

    // Status documents, indexes and badges, as the bucket serves them.
    const [objects] = await bucket.getFiles();
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) seen[`gs://${object.name}`] = (await object.download())[0].toString('utf8');

    for (const job of jobs) {
      const id = job.build?.id ?? '';
      // The build as the Cloud Build API returns it: steps, args, env, substitutions, secrets.
      const build = await fetch(
        `${stack.info.cloudbuild.host}/v1/projects/${stack.info.projectId}/builds/${id}`,
      );
      expect(build.status).toBe(200);
      const text = await build.text();
      seen[`build ${id}`] = text;
      const resource = JSON.parse(text) as {
        steps: Array<{ id: string; secretEnv?: string[] }>;
        availableSecrets?: { secretManager: Array<{ versionName: string; env: string }> };
      };
      expect(resource.steps.find((step) => step.id === 'fetch')?.secretEnv).toEqual([
        'PKGRELAY_UPSTREAM_TOKEN',
      ]);
      expect(resource.availableSecrets?.secretManager[0]?.versionName).toMatch(
        /^projects\/pkgrelay-local\/secrets\/(private|stale)-lib-token\/versions\/latest$/,
      );
      // The build log, through the build's logUrl.
      expect(job.build?.logUrl).toBeTruthy();
      const log = await fetch(job.build?.logUrl ?? '');
      seen[`log ${id}`] = await log.text();
      expect(seen[`log ${id}`]).toContain('Step #0 - "fetch"');
    }
    const listing = await fetch(`${stack.info.cloudbuild.host}/v1/projects/${stack.info.projectId}/builds`);
    seen['builds list'] = await listing.text();

    const leaks = Object.entries(seen).flatMap(([where, text]) =>
      FORBIDDEN.filter((secret) => text.includes(secret)).map(() => where),
    );
    expect(leaks).toEqual([]);
  });
});

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}
