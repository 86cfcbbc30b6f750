import { describe, expect, it } from 'vitest';
import { CliError, ExitCode, exitCodeOf } from '../../cli/exit-codes.js';

describe('exitCodeOf', () => {
  it.each([
    [new CliError('usage', ExitCode.usage), 2],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 3],
    [new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }), 3],
    [Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 }), 3],
    [Object.assign(new Error('5 NOT_FOUND: Topic not found'), { code: 5 }), 3],
    [new Error('Could not load the default credentials.'), 3],
    [Object.assign(new Error('Forbidden'), { code: 403 }), 3],
    [new Error('the job failed'), 1],
    [Object.assign(new Error('conflict'), { code: 412 }), 1],
  ])('%s → %i', (error, code) => {
    expect(exitCodeOf(error)).toBe(code);
  });
});
