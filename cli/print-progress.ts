import { stripTerminalControls } from '../shared/text/strip-terminal-controls.js';

/**
 * A line of progress on stderr, so stdout stays clean for `--json` output that scripts read. Messages
 * quote job documents and errors, so terminal controls are removed.
 */
export function progress(message: string): void {
  process.stderr.write(`${stripTerminalControls(message)}\n`);
}

/** Seconds since `start`, for progress lines. */
export function elapsed(start: number): string {
  return `${((Date.now() - start) / 1000).toFixed(1)} s`;
}
