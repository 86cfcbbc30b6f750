import { describe, expect, it } from 'vitest';
import { signPayload, verifySignature } from '../../../shared/github/verify-signature.js';

// GitHub's documented test vector: secret "It's a Secret to Everybody", payload "Hello, World!".
const GITHUB_EXAMPLE = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

describe('verifySignature', () => {
  const body = Buffer.from('Hello, World!');

  it('matches GitHub documented example', () => {
    expect(signPayload(body, "It's a Secret to Everybody")).toBe(GITHUB_EXAMPLE);
    expect(verifySignature(body, GITHUB_EXAMPLE, ["It's a Secret to Everybody"])).toEqual({
      success: true,
      data: undefined,
    });
  });

  it('accepts any of several secrets, for rotation', () => {
    expect(verifySignature(body, signPayload(body, 'old'), ['new', 'old'])).toEqual({
      success: true,
      data: undefined,
    });
  });

  it.each([
    [undefined, /header is missing/],
    ['', /header is missing/],
    ['sha1=0123', /not "sha256=<64 hex digits>"/],
    ['sha256=abc', /not "sha256=<64 hex digits>"/],
    [`sha256=${'z'.repeat(64)}`, /not "sha256=<64 hex digits>"/],
    [`sha256=${'0'.repeat(64)}`, /does not match any configured webhook secret/],
    [`${GITHUB_EXAMPLE}00`, /not "sha256=<64 hex digits>"/],
  ])('refuses %j', (header, reason) => {
    const check = verifySignature(body, header, ["It's a Secret to Everybody"]);
    expect(check.success).toBe(false);
    if (!check.success) expect(check.error).toMatch(reason);
  });

  it('refuses a signature of other bytes, one bit apart', () => {
    const flipped = Buffer.from(body);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(verifySignature(flipped, GITHUB_EXAMPLE, ["It's a Secret to Everybody"]).success).toBe(false);
  });

  it('refuses everything when no secret is configured', () => {
    expect(verifySignature(body, GITHUB_EXAMPLE, []).success).toBe(false);
  });
});
