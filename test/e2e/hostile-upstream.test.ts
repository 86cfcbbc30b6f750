import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bucket } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followJob } from '../../cli/follow-job.js';
import { createUpstreamRepository } from '../../local/demo/create-upstream-repository.js';
import { sampleSetupPyProject } from '../../local/demo/sample-project.js';
import { startGitHttpServer, type GitHttpServer } from '../../local/git/start-git-http-server.js';
import { startStack, type Stack } from '../../local/stack/start-stack.js';
import type { JobStatus } from '../../shared/status/job-status.js';
import { FORGED_SHA256, hostileSetupPrelude } from '../fixtures/hostile-setup-py.js';
import { openStackBucket, publishReleaseRequests } from './stack-clients.js';

// The hostile repository's own token, which only its fetch step may hold, and another repository's.
const OWN = `ghp_${randomBytes(18).toString('hex')}`;
const OTHER = `ghp_${randomBytes(18).toString('hex')}`;
const REPOSITORY = 'evil-org/hostile-lib';

describe('a hostile upstream built in the sandboxed stand-in', () => {
  let root: string;
  let git: GitHttpServer;
  let stack: Stack;
  let bucket: Bucket;
  let job: JobStatus;
  let squatted: JobStatus;
  let log: string;
  let publishLog: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pkgrelay-hostile-'));
    const upstreams = join(root, 'hostile-upstreams');
    git = await startGitHttpServer({ projectRoot: upstreams, token: OWN });
    await mkdir(join(root, 'secrets'), { recursive: true });
    await writeFile(join(root, 'secrets', 'hostile-lib-token'), OWN, { mode: 0o600 });
    await writeFile(join(root, 'secrets', 'private-lib-token'), OTHER, { mode: 0o600 });
    const configPath = join(root, 'repositories.json');
    await writeFile(
      configPath,
      JSON.stringify({
        repositories: [
          { repository: REPOSITORY, private: true, tokenSecret: 'hostile-lib-token' },
          // Its name is configured: no other repository's build may publish it.
          {
            repository: 'secret-org/private-lib',
            private: true,
            tokenSecret: 'private-lib-token',
            distributionName: 'private-lib',
          },
        ],
      }),
    );
    // Offline builds: the probes run in setup.py either way, and this keeps the suite off PyPI.
    stack = await startStack({
      rootDir: root,
      configPath,
      upstreamBase: git.url,
      buildIsolation: false,
      // Its own caches: what the hostile build plants there must not reach the machine's shared ones.
      cacheDir: join(root, 'cache'),
    });
    bucket = await openStackBucket(stack.info);
    const project = sampleSetupPyProject('hostile-lib', 'hostile_lib', '1.0.0');
    const prelude = hostileSetupPrelude({
      stackRoot: root,
      secretNames: ['hostile-lib-token', 'private-lib-token'],
      // The status bucket's listing, through the storage stand-in that has no authentication.
      stackUrl: `${stack.info.storage.host}/storage/v1/b/${stack.info.storage.bucket}/o`,
    });
    // Served from disk on each request: the repository may appear after the server started.
    // v1.0.1 builds a distribution named as the other repository configures its own.
    const squatter = sampleSetupPyProject('private-lib', 'hostile_lib', '1.0.1');
    await createUpstreamRepository(upstreams, REPOSITORY, [
      { files: { ...project, 'setup.py': `${prelude}\n${project['setup.py'] ?? ''}` }, tag: 'v1.0.0' },
      { files: squatter, tag: 'v1.0.1' },
    ]);
    await publishReleaseRequests(stack.info, [
      { repository: REPOSITORY, tag: 'v1.0.0' },
      { repository: REPOSITORY, tag: 'v1.0.1' },
    ]);
    job = await followJob(bucket, { repository: REPOSITORY, tag: 'v1.0.0' }, { timeoutMs: 200_000 });
    squatted = await followJob(bucket, { repository: REPOSITORY, tag: 'v1.0.1' }, { timeoutMs: 200_000 });
    log = await (await fetch(`${stack.info.cloudbuild.host}/logs/${job.build?.id ?? ''}`)).text();
    publishLog = await (
      await fetch(`${stack.info.cloudbuild.host}/logs/${job.publishBuild?.id ?? ''}`)
    ).text();
  }, 420_000);
  afterAll(async () => {
    await stack?.stop();
    await git?.close();
  });

  const probes = (): Map<string, string> => {
    const found = new Map<string, string>();
    for (const match of log.matchAll(/^Step #\d+ - "(\w+)": PKGRELAY-PROBE ([^:]+): (.*)$/gm))
      found.set(`${match[1]}: ${match[2]}`, match[3] ?? '');
    return found;
  };

  it('runs its setup.py in the build step, which reports every probe', () => {
    expect(job.state, JSON.stringify(job.error)).toMatch(/^(published|failed)$/);
    // What the hostile code could and could not do, for the record (the report quotes this).
    console.log(`job ${job.state}, build log ${log.length} characters`);
    console.log([...probes()].map(([what, outcome]) => `${what}: ${outcome}`).join('\n'));
    expect(probes().get('build: secrets folder')).toMatch(/^DENIED/);
  });

  it('cannot read any token, the secrets folder, the stack data, other builds, /root or /work', () => {
    const found = probes();
    for (const what of [
      'secret hostile-lib-token',
      'secret private-lib-token',
      'secrets folder',
      'webhook secret',
      'stack.json',
      'stack data',
      'other builds',
      '/root',
      '/work',
    ])
      expect([what, found.get(`build: ${what}`)]).toEqual([what, 'DENIED FileNotFoundError']);
    expect(found.get('build: token in env')).toBe('DENIED KeyError');
    expect(found.get('build: tokens in other processes')).toBe('READ []');
    for (const what of ['system write', 'image tools write', 'image pins write'])
      expect([what, found.get(`build: ${what}`)]).toEqual([
        what,
        expect.stringMatching(/^DENIED (OSError|PermissionError)/),
      ]);
  });

  it('cannot run code in the later steps through a .pth in the HOME they share (python -I)', () => {
    const found = probes();
    expect(found.get('build: user site .pth write')).toMatch(/^(OK|WROTE|READ)/);
    for (const step of ['verify', 'check', 'upload'])
      expect(found.has(`${step}: user site .pth`)).toBe(false);
  });

  it('publishes through a second build in which none of its code or planted files runs', () => {
    expect(job.state, JSON.stringify(job.error)).toBe('published');
    expect(job.publishBuild?.id).toBeTruthy();
    expect(job.publishBuild?.id).not.toBe(job.build?.id);
    expect(probes().get('build: forged hashlib write')).toMatch(/^READ 'wrote/);
    expect(publishLog).toMatch(/Step #0 - "receive": received /);
    expect(publishLog).not.toContain('PKGRELAY-PROBE');
  });

  it('records the digests the registry serves, not the ones its planted hashlib forges', async () => {
    expect(job.artifacts.length).toBe(2);
    for (const artifact of job.artifacts) {
      expect(artifact.sha256).not.toBe(FORGED_SHA256);
      const page = (await (
        await fetch(new URL('simple/hostile-lib/', stack.info.registry.url), {
          headers: { accept: 'application/vnd.pypi.simple.v1+json' },
        })
      ).json()) as { files: Array<{ filename: string; url: string }> };
      const file = page.files.find((candidate) => candidate.filename === artifact.filename);
      const bytes = Buffer.from(
        await (
          await fetch(new URL(file?.url ?? '', new URL('simple/hostile-lib/', stack.info.registry.url)))
        ).arrayBuffer(),
      );
      // The digest of the bytes the registry serves, computed here, not the registry's own claim.
      expect(artifact.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });

  it('cannot publish a name another repository configures: NAME_NOT_ALLOWED, no publish build', async () => {
    expect(squatted.state).toBe('failed');
    expect(squatted.error?.code).toBe('NAME_NOT_ALLOWED');
    expect(squatted.error?.message).toMatch(/"private-lib", which belongs to secret-org\/private-lib/);
    expect(squatted.publishBuild).toBeUndefined();
    const page = await fetch(new URL('simple/private-lib/', stack.info.registry.url));
    expect(page.status).toBe(404);
  });

  it('leaves no token and no webhook secret in the build log', () => {
    for (const secret of [OWN, OTHER, stack.info.webhook.secret]) expect(log).not.toContain(secret);
  });
});
