import { setImmediate as turn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createKeyLock } from '../../../local/net/create-key-lock.js';

describe('createKeyLock', () => {
  it('runs the tasks of one key one at a time, in the order they came', async () => {
    const lock = createKeyLock();
    const events: string[] = [];
    let running = 0;
    let most = 0;
    const task = (name: string) => async () => {
      running++;
      most = Math.max(most, running);
      events.push(`start ${name}`);
      for (let i = 0; i < 3; i++) await turn();
      events.push(`end ${name}`);
      running--;
      return name;
    };
    expect(await Promise.all(['a', 'b', 'c'].map((name) => lock.run('k', task(name))))).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(most).toBe(1);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('lets tasks of different keys overlap', async () => {
    const lock = createKeyLock();
    let running = 0;
    let most = 0;
    const task = async (): Promise<void> => {
      running++;
      most = Math.max(most, running);
      for (let i = 0; i < 3; i++) await turn();
      running--;
    };
    await Promise.all([lock.run('a', task), lock.run('b', task), lock.run('c', task)]);
    expect(most).toBe(3);
  });

  // The Cloud Build stand-in's own chain once had no rejection handler: after one failed write of a
  // build, every later save of it rejected without writing.
  it('runs the next task of a key after one failed, and hands each caller its own outcome', async () => {
    const lock = createKeyLock();
    const failed = lock.run('k', () => Promise.reject(new Error('disk full')));
    const next = lock.run('k', () => Promise.resolve('written'));
    await expect(failed).rejects.toThrow('disk full');
    expect(await next).toBe('written');
    expect(await lock.run('k', () => Promise.resolve('later'))).toBe('later');
  });
});
