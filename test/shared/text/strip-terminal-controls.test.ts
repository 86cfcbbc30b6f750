import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripTerminalControls } from '../../../shared/text/strip-terminal-controls.js';

const ESC = '\u001b';
const BEL = '\u0007';
const ST = `${ESC}\\`;
// Any control character a terminal acts on: C0 but tab and newline, DEL, C1.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('stripTerminalControls', () => {
  it.each([
    [
      'twine colours its warnings',
      `${ESC}[33mWARNING${ESC}[0m  \`long_description\` missing.`,
      'WARNING  `long_description` missing.',
    ],
    ['bold 256-colour SGR', `${ESC}[1;38;5;196mERROR${ESC}[0m: no`, 'ERROR: no'],
    ['cursor moves and line erase', `${ESC}[2K${ESC}[1A${ESC}[Gline`, 'line'],
    ['a private-mode CSI (hide cursor)', `${ESC}[?25lshown${ESC}[?25h`, 'shown'],
    ['OSC 0 window title, BEL-terminated', `a${ESC}]0;pwned${BEL}b`, 'ab'],
    ['OSC 2 window title, ST-terminated', `a${ESC}]2;pwned${ST}b`, 'ab'],
    ['OSC 52 clipboard write', `${ESC}]52;c;Y3VybCBldmlsLmV4YW1wbGUvK3x+c2g=${BEL}done`, 'done'],
    ['OSC 8 hyperlink', `${ESC}]8;;https://evil.example/${ST}click${ESC}]8;;${ST}`, 'click'],
    ['C1 OSC with C1 ST', `x\u009d0;title\u009cy`, 'xy'],
    ['C1 CSI', `a\u009b31mred`, 'ared'],
    ['DCS string', `${ESC}P1$r0m${ST}x`, 'x'],
    ['save, reset and restore (two-byte escapes)', `${ESC}7${ESC}cx${ESC}8`, 'x'],
    ['charset designation', `${ESC}(0lqk${ESC}(B`, 'lqk'],
    ['\\r line faking', 'tests passed\rTESTS FAILED', 'tests passedTESTS FAILED'],
    ['CRLF line ends', 'line 1\r\nline 2\r\n', 'line 1\nline 2\n'],
    ['BEL', `ding${BEL}`, 'ding'],
    ['backspace overstrike', 'safe\b\b\b\bevil', 'safeevil'],
    ['NUL, VT, FF, DEL', 'a\u0000b\u000bc\u000cd\u007fe', 'abcde'],
    ['an unterminated OSC: its ESC goes, its text stays', `a${ESC}]0;title`, 'a]0;title'],
    ['a lone ESC', `a${ESC}`, 'a'],
    ['tab, newline and non-ASCII text', 'naïve\tcafé ✓\n日本語 — ok', 'naïve\tcafé ✓\n日本語 — ok'],
  ])('%s', (_name, input, expected) => {
    expect(stripTerminalControls(input)).toBe(expected);
  });

  it('leaves no control character in any string, and a second pass changes nothing', () => {
    const controls = fc.constantFrom(
      ESC,
      BEL,
      '\r',
      '\u009b',
      '\u009d',
      '\u009c',
      '[',
      ']',
      ';',
      '\\',
      '0',
      'm',
    );
    const text = fc
      .array(fc.oneof(fc.string(), controls, fc.string({ unit: 'binary' })))
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (input) => {
        const output = stripTerminalControls(input);
        expect(output).not.toMatch(CONTROL);
        expect(stripTerminalControls(output)).toBe(output);
      }),
    );
  });
});
