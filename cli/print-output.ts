import { stripTerminalControls } from '../shared/text/strip-terminal-controls.js';

/** A block of text on stdout; what it holds from the bucket or a build log cannot steer the terminal. */
export function printText(text: string): void {
  process.stdout.write(`${stripTerminalControls(text)}\n`);
}

/**
 * A value as JSON on stdout, for scripts: the same value, with the controls JSON.stringify leaves raw
 * (DEL and C1, 0x9b being a one-byte CSI) written as \u escapes, so no terminal acts on them either.
 */
export function printJson(value: unknown): void {
  const json = JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  process.stdout.write(`${json}\n`);
}
