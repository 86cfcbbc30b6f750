import { describe, expect, it } from 'vitest';
import { waitUntil } from '../../local/net/wait-until.js';

describe('waitUntil', () => {
  it('retries a probe that throws, and ends at once when failIf reports a failure', async () => {
    let probes = 0;
    await expect(
      waitUntil(
        'a process',
        async () => {
          probes += 1;
          throw new Error('not listening yet');
        },
        {
          timeoutMs: 10_000,
          intervalMs: 5,
          failIf: () => (probes >= 3 ? new Error('it exited') : undefined),
        },
      ),
    ).rejects.toThrow('it exited');
    expect(probes).toBe(3);
  });
});
