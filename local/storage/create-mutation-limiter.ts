/** How often one object name may change: Cloud Storage documents one write per second per object name. */
export interface MutationRateOptions {
  /** Sustained mutations (creates, overwrites, metadata updates, deletes) per second of one object name. */
  perSecond: number;
  /** How many may come back to back before the rate applies; default 1. */
  burst?: number;
}

export interface MutationLimiter {
  /** True when the object may change now (and counts the change); false when Cloud Storage would answer 429. */
  admit(bucket: string, name: string): boolean;
  /** Replaces the rate; `'off'` admits everything. */
  configure(options: MutationRateOptions | 'off'): void;
  /** The rate in force (undefined when off), how many mutations it admitted and refused so far, and the refusals by object. */
  settings(): {
    rate: Required<MutationRateOptions> | undefined;
    admitted: number;
    refused: number;
    refusedByObject: Record<string, number>;
  };
}

/** Cloud Storage's default, as its quotas page states it: one write per second to the same object name. */
export const CloudStorageMutationRate: Required<MutationRateOptions> = { perSecond: 1, burst: 1 };

// Enough to name every hot object of a run; past it refusals are only counted.
const MAX_NAMED_REFUSALS = 2000;

/**
 * A token bucket per object name. `'off'` admits everything (the stand-in as it was before the limit).
 * Names whose bucket is full again are forgotten, so memory follows the names written in the last seconds.
 */
export function createMutationLimiter(
  options: MutationRateOptions | 'off' = CloudStorageMutationRate,
  nowMs: () => number = () => performance.now(),
): MutationLimiter {
  let rate: Required<MutationRateOptions> | undefined;
  let admitted = 0;
  let refused = 0;
  const tokens = new Map<string, { level: number; at: number }>();
  const refusedByObject = new Map<string, number>();
  let lastSweep = nowMs();
  const refill = (
    entry: { level: number; at: number },
    now: number,
    { perSecond, burst }: Required<MutationRateOptions>,
  ): number => Math.min(burst, entry.level + ((now - entry.at) / 1000) * perSecond);
  const configure = (next: MutationRateOptions | 'off'): void => {
    tokens.clear();
    if (next === 'off') {
      rate = undefined;
      return;
    }
    const { perSecond, burst = 1 } = next;
    if (!(perSecond > 0) || !(burst >= 1))
      throw new Error('A mutation rate needs perSecond > 0 and burst >= 1');
    rate = { perSecond, burst };
  };
  configure(options);
  return {
    admit(bucket, name) {
      if (!rate) return (admitted++, true);
      const now = nowMs();
      if (now - lastSweep > 10_000) {
        for (const [key, entry] of tokens) if (refill(entry, now, rate) >= rate.burst) tokens.delete(key);
        lastSweep = now;
      }
      const key = `${bucket}/${name}`;
      const entry = tokens.get(key);
      const level = entry ? refill(entry, now, rate) : rate.burst;
      if (level < 1) {
        refused++;
        if (refusedByObject.has(key) || refusedByObject.size < MAX_NAMED_REFUSALS)
          refusedByObject.set(key, (refusedByObject.get(key) ?? 0) + 1);
        return false;
      }
      tokens.set(key, { level: level - 1, at: now });
      return (admitted++, true);
    },
    configure,
    settings: () => ({ rate, admitted, refused, refusedByObject: Object.fromEntries(refusedByObject) }),
  };
}
