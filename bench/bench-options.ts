export interface BenchOptions {
  /** Small sizes for a smoke run on a busy machine. */
  quick: boolean;
}
