import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUpstreamRepository } from '../../local/demo/create-upstream-repository.js';
import { sampleSetuptoolsProject } from '../../local/demo/sample-project.js';
import { waitUntil } from '../../local/net/wait-until.js';
import { startStack, type Stack } from '../../local/stack/start-stack.js';
import type { JobStatus } from '../../shared/status/job-status.js';
import type { RepositoryIndex } from '../../shared/status/repository-index.js';
import { runCli } from '../cli/run-cli.js';

describe('pkgrelay against the local stack (compiled CLI as a child process)', () => {
  let stack: Stack;
  let root: string;
  const cli = (...args: string[]) => runCli([...args, '--stack', root]);
  const json = <T>(text: string): T => JSON.parse(text) as T;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pkgrelay-e2e-cli-'));
    const configPath = join(root, 'repositories.json');
    await writeFile(configPath, JSON.stringify({ repositories: [{ repository: 'Octo-Org/Widgets' }] }));
    await createUpstreamRepository(join(root, 'upstreams'), 'Octo-Org/Widgets', [
      {
        files: sampleSetuptoolsProject('octo-widgets', 'octo_widgets', '0.1.0'),
        tag: 'v0.1.0',
        annotated: true,
      },
      { files: sampleSetuptoolsProject('octo-widgets', 'octo_widgets', '0.2.0'), tag: 'v0.2.0' },
      { files: { 'docs/index.md': '# docs' }, tag: 'docs-1' },
    ]);
    // What this suite proves does not depend on how a backend is installed: offline builds keep it fast.
    stack = await startStack({
      buildIsolation: false,
      rootDir: root,
      configPath,
      functions: ['webhook', 'worker', 'buildEvents', 'reconcile'],
    });
  });
  afterAll(async () => stack?.stop());

  it('trigger and backfill publish packages end to end', async () => {
    const triggered = cli('trigger', 'Octo-Org/Widgets', 'v0.1.0', '--json');
    // Backfill once the triggered job exists, so it picks only the tag without a job; both builds run at once.
    let listed;
    for (let tries = 0; tries < 120; tries++) {
      listed = await cli('backfill', 'octo-org/widgets', '--dry-run', '--json');
      if (json<{ existing: string[] }>(listed.stdout).existing.includes('v0.1.0')) break;
      await sleep(250);
    }
    expect(listed?.code).toBe(0);
    expect(json(listed?.stdout ?? '')).toMatchObject({
      repository: 'Octo-Org/Widgets',
      dryRun: true,
      upstreamTags: 3,
      enqueued: [{ tag: 'v0.2.0', version: '0.2.0' }],
      existing: ['v0.1.0'],
      ignored: [{ tag: 'docs-1' }],
    });
    const backfilled = await cli('backfill', 'octo-org/widgets', '--wait', '--json');
    const trigger = await triggered;

    expect(trigger.code, trigger.stderr).toBe(0);
    const job = json<JobStatus>(trigger.stdout);
    expect(job).toMatchObject({ repository: 'Octo-Org/Widgets', tag: 'v0.1.0', state: 'published' });
    // The message carries who sent it: a manual trigger, by this machine's user.
    expect(trigger.stderr).toMatch(
      /Published \{"repository":"Octo-Org\/Widgets","tag":"v0\.1\.0","source":\{"kind":"manual","event":"trigger","actor":"[^"]+"\}\} to pkgrelay-releases/,
    );
    expect(trigger.stderr).toMatch(/\[\d+\.\d s\] building[\s\S]*\[\d+\.\d s\] published/);
    // Both builds are told apart while they run and linked at the end: a failure in publish has its own log.
    expect(trigger.stderr).toMatch(/\[\d+\.\d s\] building: publishing, build [0-9a-f-]{36}\n/);
    expect(trigger.stderr).toMatch(/\n {2}build log: http\S+\n {2}publish log: http\S+/);
    expect(trigger.stderr).toContain('octo_widgets-0.1.0-py3-none-any.whl');

    expect(backfilled.code, backfilled.stderr).toBe(0);
    expect(json(backfilled.stdout)).toMatchObject({
      dryRun: false,
      enqueued: [{ tag: 'v0.2.0', version: '0.2.0', state: 'published' }],
    });

    // The registry serves both versions with the hashes the status documents recorded.
    const served = (await (
      await fetch(new URL('simple/octo-widgets/', stack.info.registry.url), {
        headers: { accept: 'application/vnd.pypi.simple.v1+json' },
      })
    ).json()) as { files: Array<{ filename: string; hashes: { sha256: string } }> };
    expect(served.files.map((file) => file.filename).sort()).toEqual([
      'octo-widgets-0.1.0.tar.gz',
      'octo-widgets-0.2.0.tar.gz',
      'octo_widgets-0.1.0-py3-none-any.whl',
      'octo_widgets-0.2.0-py3-none-any.whl',
    ]);
    for (const artifact of job.artifacts)
      expect(served.files.find((file) => file.filename === artifact.filename)?.hashes.sha256).toBe(
        artifact.sha256,
      );
  });

  it('status shows every repository, one repository and one job, as tables and as JSON', async () => {
    // The repository index is derived and written at most once a second, after the job documents that
    // `--wait` followed: it shows the second job published a moment later.
    let all = await cli('status', '--json');
    await waitUntil('the index to show both jobs published', async () => {
      all = await cli('status', '--json');
      return json<Array<{ published: number }>>(all.stdout)[0]?.published === 2;
    });
    expect(all.code).toBe(0);
    expect(json(all.stdout)).toMatchObject([
      { repository: 'Octo-Org/Widgets', jobs: 2, published: 2, failed: 0, inFlight: 0, latest: '0.2.0' },
    ]);
    const table = await cli('status');
    expect(table.stdout).toMatch(
      /REPOSITORY\s+JOBS\s+PUBLISHED[\s\S]*Octo-Org\/Widgets\s+2\s+2\s+0\s+0\s+0\s+0\.2\.0/,
    );

    const repo = await cli('status', 'octo-org/widgets');
    expect(repo.code).toBe(0);
    expect(repo.stdout).toMatch(/v0\.2\.0\s+0\.2\.0\s+published[\s\S]*v0\.1\.0\s+0\.1\.0\s+published/);
    expect(
      json<RepositoryIndex>((await cli('status', 'octo-org/widgets', '--json')).stdout).jobs,
    ).toHaveLength(2);

    const one = await cli('status', 'octo-org/widgets', 'v0.2.0');
    expect(one.stdout).toMatch(/State:\s+published/);
    expect(one.stdout).toMatch(/HISTORY[\s\S]*queued[\s\S]*building[\s\S]*published/);
    const oneJson = json<JobStatus>((await cli('status', 'octo-org/widgets', 'v0.2.0', '--json')).stdout);
    // Who ran the backfill: user@host, as the CLI found it.
    expect(oneJson.source).toEqual({
      kind: 'manual',
      event: 'backfill',
      actor: expect.stringMatching(/.@./),
    });

    const missing = await cli('status', 'octo-org/widgets', 'v9.9.9');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No job for octo-org/widgets v9.9.9');
    expect((await cli('status', 'octo-org/nothing')).code).toBe(1);
  });

  it('trigger exits 1 on a failed job with its error code, and 0 at once for a final job', async () => {
    const failed = await cli('trigger', 'octo-org/unknown', 'v1.0.0', '--json');
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.stderr).toMatch(
      /failed after .*: NOT_CONFIGURED: octo-org\/unknown is not in the served repositories/,
    );
    expect(json<JobStatus>(failed.stdout).error?.code).toBe('NOT_CONFIGURED');

    const again = await cli('trigger', 'octo-org/widgets', 'v0.1.0');
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('already published (attempt 1); use --force to run it again');

    const noWait = await cli('trigger', 'octo-org/widgets', 'v0.1.0', '--no-wait', '--json');
    expect(noWait.code).toBe(0);
    expect(json(noWait.stdout)).toMatchObject({
      messageId: expect.any(String),
      message: { repository: 'octo-org/widgets', tag: 'v0.1.0' },
    });
  });

  it('webhook send delivers signed events and exits 1 on a refusal', async () => {
    for (const event of ['release', 'create', 'push']) {
      const sent = await cli('webhook', 'send', 'octo-org/widgets', 'v0.2.0', '--event', event, '--json');
      expect(sent.code, sent.stderr).toBe(0);
      expect(json(sent.stdout)).toMatchObject({ status: 202, deliveryId: expect.any(String) });
    }
    const refused = await cli('webhook', 'send', 'octo-org/widgets', 'v0.2.0', '--secret', 'wrong');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^401 /);
  });

  it('reconcile finds nothing to do once every tag has a job', async () => {
    const run = await cli('reconcile', '--json');
    expect(run.code, run.stderr).toBe(0);
    const report = json(run.stdout) as { polls: Array<{ ok: boolean; toBuild: string[] }> };
    expect(report).toMatchObject({ enqueued: [], settled: [], drifted: [], errors: [] });
    expect(report.polls.every((poll) => poll.ok && poll.toBuild.length === 0)).toBe(true);
  });
});
