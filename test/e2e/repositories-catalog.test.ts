import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Storage } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followJob } from '../../cli/follow-job.js';
import { createUpstreamRepository } from '../../local/demo/create-upstream-repository.js';
import { sampleSetuptoolsProject } from '../../local/demo/sample-project.js';
import { releasePayload, sendDelivery } from '../../local/github/send-delivery.js';
import { waitUntil } from '../../local/net/wait-until.js';
import { startStack, type Stack } from '../../local/stack/start-stack.js';
import { readRepositories } from '../../shared/config/load-config.js';
import type { ConfigError } from '../../shared/errors.js';
import { runCli } from '../cli/run-cli.js';
import { openStackBucket } from './stack-clients.js';

const CATALOG = 'gs://pkgrelay-config/repositories.json';

describe('pkgrelay repositories on a running stack (compiled CLI, real functions and stand-ins)', () => {
  let stack: Stack;
  let root: string;
  const cli = (...args: string[]) => runCli([...args, '--stack', root]);
  const deliver = (repository: string, tag: string) =>
    sendDelivery({
      url: stack.info.webhook.url,
      secret: stack.info.webhook.secret,
      event: 'release',
      payload: releasePayload(repository, tag),
    });

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pkgrelay-e2e-catalog-'));
    const configPath = join(root, 'repositories.json');
    await writeFile(configPath, JSON.stringify({ repositories: [{ repository: 'Octo-Org/Widgets' }] }));
    await createUpstreamRepository(join(root, 'upstreams'), 'Octo-Org/Gadgets', [
      { files: sampleSetuptoolsProject('octo-gadgets', 'octo_gadgets', '0.1.0'), tag: 'v0.1.0' },
    ]);
    stack = await startStack({
      buildIsolation: false,
      rootDir: root,
      configPath,
      functions: ['webhook', 'worker', 'buildEvents'],
    });
  });
  afterAll(async () => stack?.stop());

  it('serves a repository added while running from its next webhook, and builds it', async () => {
    expect(stack.info.catalog).toEqual({ url: CATALOG, seeded: true });
    const listed = await cli('repositories', 'list', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({
      catalog: CATALOG,
      repositories: [{ repository: 'Octo-Org/Widgets' }],
    });

    const refused = await deliver('Octo-Org/Gadgets', 'v0.1.0');
    expect(refused).toMatchObject({ status: 200, body: { status: 'ignored' } });

    // A bad entry is refused with the messages the repositories file gives, and nothing is stored.
    const bad = await cli(
      'repositories',
      'add',
      'Octo-Org/Gadgets',
      '--tag-pattern',
      '(?=v)v.*',
      '--python-version',
      '3.8',
    );
    expect(bad.code).toBe(1);
    let expected: ConfigError | undefined;
    try {
      readRepositories(CATALOG, () =>
        JSON.stringify({
          repositories: [
            { repository: 'Octo-Org/Widgets' },
            { tagPattern: '(?=v)v.*', pythonVersion: '3.8', repository: 'Octo-Org/Gadgets' },
          ],
        }),
      );
    } catch (error) {
      expected = error as ConfigError;
    }
    expect(expected?.issues).toHaveLength(2);
    for (const issue of expected?.issues ?? []) expect(bad.stderr).toContain(issue);

    const added = await cli(
      'repositories',
      'add',
      'Octo-Org/Gadgets',
      '--existing-tags',
      'latest:1',
      '--poll-interval',
      '10m',
      '--by',
      'e2e@example.com',
      '--json',
    );
    expect(added.code, added.stderr).toBe(0);
    // What its first poll will build is said before it starts.
    expect(added.stderr).toContain('existingTags {"latest":1}');
    expect(added.stderr).toContain('pkgrelay poll Octo-Org/Gadgets --dry-run');
    const addedAt = Date.now();
    let accepted: Awaited<ReturnType<typeof deliver>> | undefined;
    await waitUntil(
      'the webhook to accept the added repository',
      async () => {
        accepted = await deliver('Octo-Org/Gadgets', 'v0.1.0');
        return accepted.status === 202;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    const servedAfterMs = Date.now() - addedAt;
    expect(accepted?.body).toMatchObject({
      status: 'accepted',
      job: { repository: 'Octo-Org/Gadgets', version: '0.1.0' },
    });
    process.stderr.write(`added repository served by the webhook after ${servedAfterMs} ms\n`);

    const job = await followJob(
      await openStackBucket(stack.info),
      { repository: 'Octo-Org/Gadgets', tag: 'v0.1.0' },
      { timeoutMs: 180_000 },
    );
    expect(job.state, JSON.stringify(job.error)).toBe('published');
    expect(job.artifacts.map((artifact) => artifact.filename).sort()).toEqual([
      'octo-gadgets-0.1.0.tar.gz',
      'octo_gadgets-0.1.0-py3-none-any.whl',
    ]);

    const shown = await cli('repositories', 'show', 'octo-org/gadgets');
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('"repository": "Octo-Org/Gadgets"');
    expect(JSON.parse(shown.stdout.slice(0, shown.stdout.indexOf('\n}') + 2))).toMatchObject({
      existingTags: { latest: 1 },
      pollInterval: '10m',
    });
    expect(shown.stdout).toMatch(/CHANGES[\s\S]*add\s+by e2e@example\.com/);
  }, 300_000);

  it('keeps serving the last good list when a bad document is stored behind the CLI', async () => {
    const storage = new Storage({ apiEndpoint: stack.info.storage.host, projectId: stack.info.projectId });
    await storage
      .bucket('pkgrelay-config')
      .file('repositories.json')
      .save(JSON.stringify({ repositories: [{ repository: 'Octo-Org/Gadgets', tagPattern: '(a+)+\\1' }] }));
    const log = join(stack.info.logsDir, 'webhook.log');
    // An unknown repository makes the webhook look again (at most once per 5 s).
    await waitUntil(
      'the webhook to log that it refused the stored document',
      async () => {
        await deliver('Octo-Org/Unknown', 'v1.0.0');
        return (await readFile(log, 'utf8')).includes('the stored repositories were not taken');
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    const line = (await readFile(log, 'utf8'))
      .split('\n')
      .find((entry) => entry.includes('the stored repositories were not taken'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({
      severity: 'ERROR',
      catalog: CATALOG,
      issues: [expect.stringMatching(/tagPattern/)],
    });
    // The repository the bad document also names stays served as it was.
    expect((await deliver('Octo-Org/Widgets', 'v9.0.0')).status).toBe(202);
    const listed = await cli('repositories', 'list');
    expect(listed.code).toBe(1);
    expect(listed.stderr).toContain('The functions keep serving their last good list.');
  }, 120_000);
});
