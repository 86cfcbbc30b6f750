import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findUpstreamFolder } from '../../../local/stack/find-upstream-folder.js';

describe('findUpstreamFolder', () => {
  it.each([
    ['/srv/upstreams', '/srv/upstreams'],
    ['file:///srv/upstreams', '/srv/upstreams'],
    ['upstreams', resolve('upstreams')],
    ['https://github.com', undefined],
    ['http://127.0.0.1:8999', undefined],
    ['ssh://git@example.com/org', undefined],
    ['git@github.com:org', undefined],
  ])('%s → %s', (base, folder) => {
    expect(findUpstreamFolder(base)).toBe(folder);
  });
});
