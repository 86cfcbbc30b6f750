export interface GenerationClock {
  /** A generation greater than every one handed out or observed before. */
  next(): number;
  /** Records a generation found on disk, so a restarted server never reuses or goes below it. */
  observe(generation: number): void;
}

/** Generations like Cloud Storage's: microseconds since the epoch, strictly increasing even within one microsecond. */
export function createGenerationClock(nowMs: () => number = Date.now): GenerationClock {
  let last = 0;
  return {
    next() {
      last = Math.max(Math.floor(nowMs() * 1000), last + 1);
      return last;
    },
    observe(generation) {
      last = Math.max(last, generation);
    },
  };
}
