import { randomBytes } from 'node:crypto';
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
import { hostileSetupPrelude } from '../fixtures/hostile-setup-py.js';
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
  let log: string;

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
          { repository: 'secret-org/private-lib', private: true, tokenSecret: 'private-lib-token' },
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
    await createUpstreamRepository(upstreams, REPOSITORY, [
      { files: { ...project, 'setup.py': `${prelude}\n${project['setup.py'] ?? ''}` }, tag: 'v1.0.0' },
    ]);
    await publishReleaseRequests(stack.info, [{ repository: REPOSITORY, tag: 'v1.0.0' }]);
    job = await followJob(bucket, { repository: REPOSITORY, tag: 'v1.0.0' }, { timeoutMs: 150_000 });
    log = await (await fetch(`${stack.info.cloudbuild.host}/logs/${job.build?.id ?? ''}`)).text();
  }, 240_000);
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
    expect(found.get('build: system write')).toMatch(/^DENIED (OSError|PermissionError)/);
  });

  it('cannot run code in the later steps through a .pth in the HOME they share (python -I)', () => {
    const found = probes();
    expect(found.get('build: user site .pth write')).toMatch(/^(OK|WROTE|READ)/);
    for (const step of ['verify', 'check', 'upload'])
      expect(found.has(`${step}: user site .pth`)).toBe(false);
  });

  it('leaves no token and no webhook secret in the build log', () => {
    for (const secret of [OWN, OTHER, stack.info.webhook.secret]) expect(log).not.toContain(secret);
  });
});
