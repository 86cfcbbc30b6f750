import { describe, expect, it } from 'vitest';
import { jobObjectPath } from '../../../shared/contracts/job-id.js';
import type { JobEvent } from '../../../shared/events/job-event.js';
import { JobEvent as JobEventSchema } from '../../../shared/events/job-event.js';
import { createLogger } from '../../../shared/log/create-logger.js';
import { blankJob } from '../../../shared/status/blank-job.js';
import { transitionJob } from '../../../shared/status/transition-job.js';
import { updateAnnouncedJob } from '../../../shared/status/update-announced-job.js';
import { createMemoryDocumentStore } from '../../fakes/create-memory-document-store.js';

const ID = { repository: 'Octo-Org/Widgets', tag: 'v1.0.0' };
const now = () => new Date('2026-12-01T10:00:00.000Z');

function captureLogs() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { lines, logger };
}

describe('updateAnnouncedJob', () => {
  it('publishes one event per stored transition, after the write, and none for a kept job', async () => {
    const store = createMemoryDocumentStore();
    const published: Array<{ event: JobEvent; storedState: unknown }> = [];
    const events = {
      publish: async (event: JobEvent) => {
        // What a receiver would read from the bucket when it hears of the event.
        const stored = await store.read(jobObjectPath(ID));
        published.push({ event, storedState: (stored?.data as { state?: string } | undefined)?.state });
      },
    };
    const { logger } = captureLogs();
    const queued = transitionJob(blankJob(ID, now(), { version: '1.0.0' }), 'queued', now());
    await updateAnnouncedJob(store, events, ID, () => ({ write: queued }), now, logger);
    await updateAnnouncedJob(store, events, ID, () => ({ keep: true }), now, logger);
    await updateAnnouncedJob(
      store,
      events,
      ID,
      (current) => ({
        write: transitionJob(current!, 'failed', now(), {
          error: { code: 'BUILD_FAILED', message: 'setup.py exploded', step: 'build' },
        }),
      }),
      now,
      logger,
    );
    expect(published.map(({ event }) => [event.state, event.previousState])).toEqual([
      ['queued', undefined],
      ['failed', 'queued'],
    ]);
    expect(published.map(({ storedState }) => storedState)).toEqual(['queued', 'failed']);
    const failed = published[1]!.event;
    expect(JobEventSchema.parse(failed)).toEqual(failed);
    expect(failed).toMatchObject({
      type: 'transition',
      repository: 'Octo-Org/Widgets',
      error: { code: 'BUILD_FAILED', message: 'setup.py exploded', step: 'build' },
      statusPath: jobObjectPath(ID),
    });
    // The event of the earlier state never carries what only the later one added.
    expect(published[0]!.event.error).toBeUndefined();
    expect(new Set(published.map(({ event }) => event.id)).size).toBe(2);
  });

  it('keeps the transition when the publish fails, and logs at ERROR what is lost', async () => {
    const store = createMemoryDocumentStore();
    const { lines, logger } = captureLogs();
    const events = {
      publish: () => Promise.reject(new Error('Pub/Sub is down')),
    };
    const queued = transitionJob(blankJob(ID, now(), { version: '1.0.0' }), 'queued', now());
    const result = await updateAnnouncedJob(store, events, ID, () => ({ write: queued }), now, logger);
    expect(result.changed).toBe(true);
    expect((await store.read(jobObjectPath(ID)))?.data).toMatchObject({ state: 'queued' });
    expect(lines).toContainEqual(
      expect.objectContaining({
        severity: 'ERROR',
        message: expect.stringContaining('job event lost') as string,
        state: 'queued',
        error: 'Pub/Sub is down',
      }),
    );
  });
});
