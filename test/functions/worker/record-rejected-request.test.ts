import { describe, expect, it } from 'vitest';
import { recordRejectedRequest } from '../../../functions/worker/record-rejected-request.js';
import { TransientError } from '../../../shared/errors.js';
import { createLogger } from '../../../shared/log/create-logger.js';
import { createFakeClock } from '../../fakes/create-fake-clock.js';
import { createMemoryDocumentStore } from '../../fakes/create-memory-document-store.js';
import { refuseWritesForRate } from '../../fakes/refuse-writes-for-rate.js';

const MESSAGE = {
  messageId: 'bad',
  data: Buffer.from('{"repository":'),
  attributes: {},
  publishTime: undefined,
  deliveryAttempt: undefined,
};

function setup(times: number) {
  const memory = createMemoryDocumentStore();
  const store = refuseWritesForRate(memory, (path) => path.startsWith('rejected/'), { times });
  const logs: Array<Record<string, unknown>> = [];
  const logger = createLogger({ write: (line) => logs.push(JSON.parse(line) as Record<string, unknown>) });
  const record = () =>
    recordRejectedRequest({ store, logger, clock: createFakeClock().now }, MESSAGE, 'bad JSON');
  return { memory, store, logs, record };
}

describe('recordRejectedRequest', () => {
  it('writes the record again after a 429, never taking it as already recorded', async () => {
    const { memory, store, logs, record } = setup(1);
    expect(await record()).toEqual({ outcome: 'rejected', reason: 'bad JSON' });
    expect(store.refused()).toBe(1);
    expect(memory.snapshot()['rejected/bad.json']).toMatchObject({ messageId: 'bad', reason: 'bad JSON' });
    expect(logs.map((line) => line['message'])).not.toContain('malformed release request already recorded');
  });

  it('says a redelivery was recorded already, and keeps the first record', async () => {
    const { logs, record } = setup(0);
    await record();
    await record();
    expect(
      logs.filter((line) => line['message'] === 'malformed release request already recorded'),
    ).toHaveLength(1);
  });

  it('throws a transient error while the rate refuses it, so the message is not acknowledged', async () => {
    const { memory, record } = setup(Infinity);
    await expect(record()).rejects.toBeInstanceOf(TransientError);
    expect(memory.snapshot()['rejected/bad.json']).toBeUndefined();
  });
});
