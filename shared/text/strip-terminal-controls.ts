import ansiRegex from 'ansi-regex';

// ansi-regex itself, not strip-ansi: strip-ansi returns text without ESC or 0x9b untouched, C1 OSC included.
const SEQUENCES = ansiRegex();
// What is left: C0 controls but tab and newline (\r fakes lines, BS overstrikes, BEL rings), DEL, C1
// controls, and the ESC of a sequence ansi-regex does not know or that never ends.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text as a terminal or a page can show it without being steered: ANSI/VT escape sequences (CSI, OSC up to
 * its BEL or ST, DCS/APC strings, other ESC sequences) removed, then every control character but `\n` and `\t`.
 */
export function stripTerminalControls(text: string): string {
  return text.replace(SEQUENCES, '').replace(CONTROLS, '');
}
