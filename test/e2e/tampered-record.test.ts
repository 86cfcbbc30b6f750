import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bucket } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followJob } from '../../cli/follow-job.js';
import { createUpstreamRepository } from '../../local/demo/create-upstream-repository.js';
import { sampleSetuptoolsProject } from '../../local/demo/sample-project.js';
import { waitUntil } from '../../local/net/wait-until.js';
import { startStack, type Stack } from '../../local/stack/start-stack.js';
import { indexObjectPath, jobObjectPath } from '../../shared/contracts/job-id.js';
import { runCli } from '../cli/run-cli.js';
import { openStackBucket, publishReleaseRequests } from './stack-clients.js';

const ID = { repository: 'octo-org/widgets', tag: 'v0.1.0' };

describe('a tampered status document on the local stack is never overwritten', () => {
  let stack: Stack;
  let root: string;
  let bucket: Bucket;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pkgrelay-tampered-'));
    const configPath = join(root, 'repositories.json');
    await writeFile(configPath, JSON.stringify({ repositories: [{ repository: ID.repository }] }));
    await createUpstreamRepository(join(root, 'upstreams'), ID.repository, [
      { files: sampleSetuptoolsProject('octo-widgets', 'octo_widgets', '0.1.0'), tag: ID.tag },
    ]);
    stack = await startStack({
      rootDir: root,
      configPath,
      functions: ['worker', 'buildEvents'],
      buildIsolation: false,
    });
    bucket = await openStackBucket(stack.info);
  });
  afterAll(async () => stack?.stop());

  it('leaves a published job that fails its schema alone on the next ordinary delivery, and says so', async () => {
    await publishReleaseRequests(stack.info, [ID]);
    const published = await followJob(bucket, ID, { timeoutMs: 90_000 });
    expect(published.state, JSON.stringify(published.error)).toBe('published');

    // The index is written after the job document: wait until it shows the job's last write, so a
    // change seen below can only come from the delivery that follows the tampering.
    const readJson = async (path: string) =>
      JSON.parse((await bucket.file(path).download())[0].toString()) as Record<string, unknown>;
    await waitUntil('the index to show the published job as last written', async () => {
      const [job, index] = await Promise.all([
        readJson(jobObjectPath(ID)),
        readJson(indexObjectPath(ID.repository)),
      ]);
      const entries = (index['jobs'] ?? []) as Array<{ tag: string; state: string; updatedAt: string }>;
      const entry = entries.find((candidate) => candidate.tag === ID.tag);
      return entry?.state === 'published' && entry.updatedAt === job['updatedAt'];
    });

    // What the finding did: a document that fails the schema, then an ordinary delivery of the same tag.
    const tampered = JSON.stringify({ ...published, artifacts: 'gone', state: 'constructor' });
    // Over the generation read, as a careful writer would: the client then retries the 429 that Cloud Storage's
    // one write a second gives a document the pipeline has just written.
    const [current] = await bucket.file(jobObjectPath(ID)).getMetadata();
    await bucket.file(jobObjectPath(ID)).save(tampered, {
      resumable: false,
      preconditionOpts: { ifGenerationMatch: Number(current.generation) },
    });
    const [indexBefore] = await bucket.file(indexObjectPath(ID.repository)).download();
    await publishReleaseRequests(stack.info, [ID]);

    const workerLog = join(stack.info.logsDir, 'worker.log');
    await waitUntil(
      'the worker to leave the unreadable job alone',
      async () =>
        (await readFile(workerLog, 'utf8')).includes('job left alone: its status document is unreadable'),
      { timeoutMs: 60_000 },
    );
    const line = (await readFile(workerLog, 'utf8'))
      .split('\n')
      .find((entry) => entry.includes('job left alone'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({ severity: 'ERROR', path: jobObjectPath(ID) });
    expect((await bucket.file(jobObjectPath(ID)).download())[0].toString()).toBe(tampered);
    expect((await bucket.file(indexObjectPath(ID.repository)).download())[0]).toEqual(indexBefore);

    const status = await runCli(['status', ID.repository, ID.tag, '--stack', root]);
    expect(status.code).toBe(1);
    expect(status.stderr).toContain(`${jobObjectPath(ID)} is unreadable (fails its schema: `);
  });
});
