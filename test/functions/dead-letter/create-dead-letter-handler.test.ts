import { describe, expect, it } from 'vitest';
import { createDeadLetterHandler } from '../../../functions/dead-letter/create-dead-letter-handler.js';
import { jobObjectPath } from '../../../shared/contracts/job-id.js';
import { TransientError } from '../../../shared/errors.js';
import { silentLogger } from '../../../shared/log/create-logger.js';
import { JobStatus } from '../../../shared/status/job-status.js';
import { createFakeClock } from '../../fakes/create-fake-clock.js';
import { createMemoryDocumentStore } from '../../fakes/create-memory-document-store.js';
import { pubsubEvent } from '../../fakes/pubsub-event.js';
import { refuseWritesForRate } from '../../fakes/refuse-writes-for-rate.js';

const JOB = { repository: 'octo-org/widgets', tag: 'v1.0.0' };
const ATTRIBUTES = {
  CloudPubSubDeadLetterSourceDeliveryCount: '5',
  CloudPubSubDeadLetterSourceSubscription: 'pkgrelay-worker',
};

async function setup(existing?: Partial<JobStatus>) {
  const store = createMemoryDocumentStore();
  const clock = createFakeClock();
  if (existing) {
    const now = clock.now().toISOString();
    const job: JobStatus = {
      schemaVersion: 1,
      ...JOB,
      version: '1.0.0',
      state: 'queued',
      attempt: 1,
      createdAt: now,
      updatedAt: now,
      artifacts: [],
      history: [{ state: 'queued', at: now, attempt: 1 }],
      lease: { holder: 'stuck', expiresAt: '2099-01-01T00:00:00.000Z' },
      ...existing,
    };
    await store.write(jobObjectPath(JOB), job, { ifGenerationMatch: '0' });
  }
  const handle = createDeadLetterHandler({ store, logger: silentLogger, clock: clock.now });
  const read = async () => JobStatus.parse((await store.read(jobObjectPath(JOB)))?.data);
  return { store, handle, read };
}

describe('dead letters', () => {
  it('marks a queued job failed with DEAD_LETTERED and the cause, and keeps the message', async () => {
    const { store, handle, read } = await setup({});
    const event = pubsubEvent(JOB, { messageId: 'm-9', attributes: ATTRIBUTES });
    expect(await handle(event)).toEqual({ outcome: 'failed', path: 'dead-letters/m-9.json' });
    const job = await read();
    expect(job.state).toBe('failed');
    expect(job.lease).toBeUndefined();
    expect(job.error?.code).toBe('DEAD_LETTERED');
    expect(job.error?.message).toMatch(/failed 5 delivery attempts on pkgrelay-worker.*"force": true/);
    expect(store.snapshot()['dead-letters/m-9.json']).toMatchObject({ messageId: 'm-9', job: JOB });
  });

  it('creates the failed job when no worker ever wrote it', async () => {
    const { handle, read } = await setup();
    await handle(pubsubEvent(JOB, { messageId: 'm-1' }));
    expect(await read()).toMatchObject({ state: 'failed', error: { code: 'DEAD_LETTERED' } });
  });

  it.each([
    ['a final job', { state: 'published' as const }, /already published/],
    [
      'a job a build carries',
      { build: { id: 'b-1' }, state: 'building' as const },
      /build b-1 carries the job/,
    ],
  ])('leaves %s as it is, but still records the message', async (_name, existing, reason) => {
    const { store, handle, read } = await setup(existing);
    const before = await read();
    expect(await handle(pubsubEvent(JOB, { messageId: 'm-2' }))).toMatchObject({ outcome: 'left', reason });
    expect(await read()).toEqual(before);
    expect(store.snapshot()['dead-letters/m-2.json']).toBeDefined();
  });

  it('records a message it cannot identify under dead-letters/<messageId>.json', async () => {
    const { store, handle } = await setup();
    expect(await handle(pubsubEvent('{"not":"a request"}', { messageId: 'odd' }))).toEqual({
      outcome: 'recorded',
      path: 'dead-letters/odd.json',
    });
    expect(store.snapshot()['dead-letters/odd.json']).toMatchObject({
      messageId: 'odd',
      data: '{"not":"a request"}',
      reason: expect.stringMatching(/repository/),
    });
    expect(await store.listDocuments('jobs/')).toEqual([]);
  });

  it('is idempotent: a redelivered dead letter changes nothing more', async () => {
    const { store, handle } = await setup({});
    const event = pubsubEvent(JOB, { messageId: 'm-3', attributes: ATTRIBUTES });
    await handle(event);
    const writes = store.writes();
    expect(await handle(event)).toMatchObject({ outcome: 'left', reason: 'the job is already failed' });
    expect(store.writes()).toBe(writes);
  });

  it('throws when the store cannot be written, so Pub/Sub delivers it again', async () => {
    const { store, handle } = await setup();
    store.write = () => Promise.reject(new Error('503'));
    await expect(handle(pubsubEvent(JOB, { messageId: 'm-4' }))).rejects.toThrow(
      /Unable to record dead letter m-4/,
    );
  });
});

describe('a dead letter of a job whose document fails its schema', () => {
  it('keeps the message and leaves the job document as it is', async () => {
    const { store, handle } = await setup();
    await store.write(jobObjectPath(JOB), { state: 'published', attempt: 'x' }, { ifGenerationMatch: '0' });
    const answer = await handle(pubsubEvent(JOB, { messageId: 'm-3', attributes: ATTRIBUTES }));
    expect(answer).toMatchObject({ outcome: 'left', reason: expect.stringMatching(/is unreadable/) });
    expect((await store.read(jobObjectPath(JOB)))?.data).toEqual({ state: 'published', attempt: 'x' });
    expect(store.snapshot()['dead-letters/m-3.json']).toMatchObject({ messageId: 'm-3', job: JOB });
  });
});

describe('dead letters refused for the write rate', () => {
  const isRecord = (path: string) => path.startsWith('dead-letters/');

  it('writes the record again after a 429, never taking it as already recorded', async () => {
    const memory = createMemoryDocumentStore();
    const store = refuseWritesForRate(memory, isRecord);
    const handle = createDeadLetterHandler({ store, logger: silentLogger, clock: createFakeClock().now });
    expect(await handle(pubsubEvent(JOB, { messageId: 'm-r' }))).toEqual({
      outcome: 'failed',
      path: 'dead-letters/m-r.json',
    });
    expect(store.refused()).toBe(1);
    expect(memory.snapshot()['dead-letters/m-r.json']).toMatchObject({ messageId: 'm-r', job: JOB });
  });

  it('throws a transient error while the rate refuses it, so the dead letter is not acknowledged', async () => {
    const memory = createMemoryDocumentStore();
    const store = refuseWritesForRate(memory, isRecord, { times: Infinity });
    const handle = createDeadLetterHandler({ store, logger: silentLogger, clock: createFakeClock().now });
    await expect(handle(pubsubEvent(JOB, { messageId: 'm-r' }))).rejects.toBeInstanceOf(TransientError);
    expect(memory.snapshot()['dead-letters/m-r.json']).toBeUndefined();
  });
});
