/** Statuses an injected write fault answers with: a transient failure, or a lost compare-and-swap. */
export const FaultStatuses = [503, 412] as const;
export type FaultStatus = (typeof FaultStatuses)[number];

export interface StorageFaultOptions {
  /** Fraction of object writes (uploads, metadata patches, deletes) that fail, from 0 (off) to 1. */
  writeFailureRate: number;
  /** Statuses to draw from, uniformly; default `[503]`. */
  statuses?: readonly FaultStatus[];
  /** Seeds the generator, so a test sees the same faults on every run. */
  seed?: number;
  /** Replaces the generator outright; wins over `seed`. Returns numbers in [0, 1). */
  random?: () => number;
}

export interface FaultSettings {
  writeFailureRate: number;
  statuses: FaultStatus[];
  seed?: number;
  /** How many faults were injected since the last configuration. */
  injected: number;
}

export interface FaultInjector {
  configure(options: StorageFaultOptions | undefined): void;
  settings(): FaultSettings;
  /** The status this write must fail with, or undefined to let it through. */
  drawWriteFault(): FaultStatus | undefined;
}

/** The test-only fault switch: off unless `options` gives a rate above zero. */
export function createFaultInjector(options?: StorageFaultOptions): FaultInjector {
  let rate = 0;
  let statuses: FaultStatus[] = [503];
  let seed: number | undefined;
  let random: () => number = Math.random;
  let injected = 0;

  const configure = (next: StorageFaultOptions | undefined): void => {
    rate = next?.writeFailureRate ?? 0;
    statuses = next?.statuses?.length ? [...next.statuses] : [503];
    seed = next?.seed;
    random = next?.random ?? (seed === undefined ? Math.random : mulberry32(seed));
    injected = 0;
  };
  configure(options);

  return {
    configure,
    settings: () => ({
      writeFailureRate: rate,
      statuses: [...statuses],
      ...(seed !== undefined && { seed }),
      injected,
    }),
    drawWriteFault() {
      if (rate <= 0 || random() >= rate) return undefined;
      injected += 1;
      return statuses[Math.floor(random() * statuses.length)] ?? 503;
    },
  };
}

/** A small seeded generator (Mulberry32): enough randomness for fault tests, and the same sequence per seed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
