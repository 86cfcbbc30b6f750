import { describe, expect, it } from 'vitest';
import { toBuildJson } from '../../../functions/reconcile/to-build-json.js';

describe('toBuildJson', () => {
  it('turns bytes into base64, Longs into strings and Dates into ISO times', () => {
    const long = { low: 600, high: 0, unsigned: false, toString: () => '600' };
    expect(
      toBuildJson({
        id: 'b',
        results: { buildStepOutputs: [Buffer.from('{"a":1}'), new Uint8Array([104, 105])] },
        timeout: { seconds: long, nanos: 0 },
        createTime: new Date('2024-01-01T00:00:00Z'),
        tags: ['x'],
        nothing: null,
      }),
    ).toEqual({
      id: 'b',
      results: { buildStepOutputs: [Buffer.from('{"a":1}').toString('base64'), 'aGk='] },
      timeout: { seconds: '600', nanos: 0 },
      createTime: '2024-01-01T00:00:00.000Z',
      tags: ['x'],
      nothing: null,
    });
  });

  it('lets a protobuf message speak for itself', () => {
    const message = { toJSON: () => ({ id: 'b', status: 'SUCCESS' }) };
    expect(toBuildJson({ build: message })).toEqual({ build: { id: 'b', status: 'SUCCESS' } });
  });
});
