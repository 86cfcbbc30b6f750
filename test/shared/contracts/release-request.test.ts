import { describe, expect, it } from 'vitest';
import { parseReleaseRequest } from '../../../shared/contracts/release-request.js';

describe('parseReleaseRequest', () => {
  it('reads the smallest manual message', () => {
    expect(parseReleaseRequest('{"repository":"owner/name","tag":"v1.2.3"}')).toEqual({
      success: true,
      data: { repository: 'owner/name', tag: 'v1.2.3' },
    });
  });

  it('reads a webhook request from bytes', () => {
    const request = {
      repository: 'Acme/Widgets',
      tag: 'sdk/v1.0',
      source: { kind: 'webhook', deliveryId: 'd-1', event: 'push' },
    };
    expect(parseReleaseRequest(Buffer.from(JSON.stringify(request)))).toEqual({
      success: true,
      data: request,
    });
  });

  it.each([
    ['not json', /the message is not JSON/],
    ['{"tag":"v1"}', /repository: /],
    ['{"repository":"owner","tag":"v1"}', /repository: must be "owner\/name"/],
    ['{"repository":"a/b","tag":"v 1"}', /tag: is not a valid git tag name: it contains a space/],
    ['{"repository":"a/b","tag":"v1","force":"yes"}', /force: /],
    ['{"repository":"a/b","tag":"v1","extra":1}', /extra/],
    ['{"repository":"a/b","tag":"v1","source":{"kind":"cron"}}', /source\.kind: /],
    ['[]', /\(message\): /],
  ])('names the problem in %s', (text, error) => {
    const parsed = parseReleaseRequest(text);
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(parsed.error).toMatch(error);
  });
});
