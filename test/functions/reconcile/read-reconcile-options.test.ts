import { describe, expect, it } from 'vitest';
import { readReconcileOptions } from '../../../functions/reconcile/read-reconcile-options.js';

describe('readReconcileOptions', () => {
  it.each([
    [undefined, {}],
    [{}, {}],
    [Buffer.from(''), {}],
    [Buffer.from('{"stuckAfterSeconds":0}'), { stuckAfterSeconds: 0 }],
    [{ repositories: ['a/b'] }, { repositories: ['a/b'] }],
    [
      { requestedBy: 'pkgrelay reconcile by alice@host' },
      { requestedBy: 'pkgrelay reconcile by alice@host' },
    ],
  ])('reads %j', (body, options) => {
    expect(readReconcileOptions(body)).toEqual({ success: true, data: options });
  });

  it.each([
    [Buffer.from('{')],
    [{ stuckAfterSeconds: -1 }],
    [{ other: 1 }],
    [{ requestedBy: 'x'.repeat(201) }],
  ])('refuses %j', (body) => {
    expect(readReconcileOptions(body).success).toBe(false);
  });
});
