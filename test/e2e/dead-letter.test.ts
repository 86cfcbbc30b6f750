import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PubSub } from '@google-cloud/pubsub';
import type { Bucket } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStatusBucket } from '../../cli/read-status.js';
import { waitUntil } from '../../local/net/wait-until.js';
import { startStack, type Stack } from '../../local/stack/start-stack.js';
import type { JobStatus } from '../../shared/status/job-status.js';
import { createStatusValidator } from '../schemas/create-status-validator.js';

describe('dead letters on the local stack', () => {
  let stack: Stack;
  let bucket: Bucket;
  let pubsub: PubSub;

  const read = async (path: string): Promise<unknown> => {
    const [exists] = await bucket.file(path).exists();
    if (!exists) return undefined;
    const [contents] = await bucket.file(path).download();
    return JSON.parse(contents.toString('utf8'));
  };

  beforeAll(async () => {
    const root = await mkdtemp(join(tmpdir(), 'pkgrelay-dead-'));
    const configPath = join(root, 'repositories.json');
    await writeFile(configPath, JSON.stringify({ repositories: [{ repository: 'Octo-Org/Widgets' }] }));
    // What this suite proves does not depend on how a backend is installed: offline builds keep it fast.
    stack = await startStack({
      buildIsolation: false,
      rootDir: root,
      configPath,
      maxDeliveryAttempts: 5,
      functions: ['worker', 'deadLetter'],
    });
    bucket = await openStatusBucket(stack.info.storage.bucket, {
      apiEndpoint: stack.info.storage.host,
      projectId: stack.info.projectId,
    });
    pubsub = new PubSub({
      projectId: stack.info.projectId,
      apiEndpoint: stack.info.pubsub.host,
      emulatorMode: true,
    });
  });
  afterAll(async () => {
    await pubsub?.close();
    await stack?.stop();
  });

  it('sends a poison message to the dead-letter topic after 5 attempts and fails its job', async () => {
    // The poison: a job wedged by a lease that never runs out, so every delivery fails transiently.
    const now = new Date().toISOString();
    const wedged: JobStatus = {
      schemaVersion: 1,
      repository: 'Octo-Org/Widgets',
      tag: 'v9.9.9',
      version: '9.9.9',
      state: 'queued',
      attempt: 1,
      createdAt: now,
      updatedAt: now,
      artifacts: [],
      history: [{ state: 'queued', at: now, attempt: 1 }],
      lease: { holder: 'a-worker-whose-clock-is-wrong', expiresAt: '2999-01-01T00:00:00.000Z' },
    };
    const path = 'jobs/octo-org/widgets/v9.9.9.json';
    await bucket.file(path).save(JSON.stringify(wedged), { preconditionOpts: { ifGenerationMatch: 0 } });
    await pubsub
      .topic(stack.info.pubsub.topic)
      .publishMessage({ json: { repository: 'octo-org/widgets', tag: 'v9.9.9' } });

    let job: JobStatus | undefined;
    await waitUntil(
      'the job to be dead-lettered',
      async () => {
        job = (await read(path)) as JobStatus;
        return job.state === 'failed';
      },
      { timeoutMs: 50_000, intervalMs: 500 },
    );
    expect(job?.error?.code).toBe('DEAD_LETTERED');
    expect(job?.error?.message).toMatch(/failed \d+ delivery attempts.*"force": true/);
    expect(job?.lease).toBeUndefined();
    // Pub/Sub forwards a new message to the dead-letter topic: find its record by the job it names.
    const [files] = await bucket.getFiles({ prefix: 'dead-letters/' });
    const records = await Promise.all(files.map((file) => read(file.name)));
    expect(records).toContainEqual(
      expect.objectContaining({
        job: { repository: 'octo-org/widgets', tag: 'v9.9.9' },
        data: expect.any(String),
      }),
    );
    const validate = await createStatusValidator();
    expect(validate('job-status', job)).toEqual([]);
    expect(validate('repository-index', await read('repos/octo-org/widgets/index.json'))).toEqual([]);
  });

  it('records a dead letter it cannot identify instead of dropping it', async () => {
    const messageId = await pubsub
      .topic(stack.info.pubsub.deadLetterTopic)
      .publishMessage({ data: Buffer.from('not a release request') });
    await waitUntil('the record', async () => (await read(`dead-letters/${messageId}.json`)) !== undefined, {
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    expect(await read(`dead-letters/${messageId}.json`)).toMatchObject({
      messageId,
      data: 'not a release request',
      reason: expect.stringMatching(/not JSON/),
    });
  });
});
