import { describe, expect, it } from 'vitest';
import { decodePayload } from '../../../shared/github/decode-payload.js';

const bytes = (text: string) => Buffer.from(text);

describe('decodePayload', () => {
  it.each([
    ['application/json', '{"a":1}'],
    ['application/json; charset=utf-8', '{"a":1}'],
    ['Application/JSON', '{"a":1}'],
    ['application/x-www-form-urlencoded', `payload=${encodeURIComponent('{"a":1}')}`],
    ['application/x-www-form-urlencoded', `x=1&payload=${encodeURIComponent('{"a":1}')}`],
  ])('reads %s', (type, body) => {
    expect(decodePayload(bytes(body), type)).toEqual({ success: true, data: { a: 1 } });
  });

  it.each([
    ['application/json', bytes('{nope'), /not JSON/, false],
    ['application/json', Buffer.from([0x7b, 0xff, 0x7d]), /not valid UTF-8/, false],
    ['application/x-www-form-urlencoded', bytes('other=1'), /no "payload" field/, false],
    ['application/x-www-form-urlencoded', bytes('payload=%7B'), /not JSON/, false],
    ['text/plain', bytes('{}'), /content type "text\/plain"/, true],
    [undefined, bytes('{}'), /content type "\(none\)"/, true],
  ])('refuses %s %s', (type, body, error, unsupported) => {
    const decoded = decodePayload(body, type);
    expect(decoded.success).toBe(false);
    if (!decoded.success) expect(decoded.error).toMatch(error);
    expect(Boolean(decoded.unsupportedType)).toBe(unsupported);
  });

  it('takes the body functions-framework parsed for JSON in UTF-8, without parsing it again', () => {
    const parsed = { a: 1 };
    const decoded = decodePayload(bytes('{"a":1}'), 'application/json; charset=utf-8', parsed);
    expect(decoded).toEqual({ success: true, data: parsed });
    if (decoded.success) expect(decoded.data).toBe(parsed);
  });

  it.each([
    [
      'bytes that are not UTF-8',
      'application/json',
      Buffer.from([0x7b, 0xff, 0x7d]),
      { a: 1 },
      /not valid UTF-8/,
    ],
    ['another charset', 'application/json; charset=latin1', bytes('{"a":2}'), { a: 1 }, { a: 2 }],
    [
      'a form',
      'application/x-www-form-urlencoded',
      bytes(`payload=${encodeURIComponent('{"a":2}')}`),
      { payload: '{"a":1}' },
      { a: 2 },
    ],
    ['no parsed object', 'application/json', bytes('{"a":2}'), '{"a":1}', { a: 2 }],
  ])('reads the bytes themselves for %s', (_name, type, body, parsed, expected) => {
    const decoded = decodePayload(body, type, parsed);
    if (expected instanceof RegExp) {
      expect(decoded.success).toBe(false);
      if (!decoded.success) expect(decoded.error).toMatch(expected);
    } else expect(decoded).toEqual({ success: true, data: expected });
  });
});
