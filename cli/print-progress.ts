/** A line of progress on stderr, so stdout stays clean for `--json` output that scripts read. */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Seconds since `start`, for progress lines. */
export function elapsed(start: number): string {
  return `${((Date.now() - start) / 1000).toFixed(1)} s`;
}
