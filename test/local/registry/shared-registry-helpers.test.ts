import { describe, expect, it } from 'vitest';
import { listPublishedFiles, normalizeName } from '../../../shared/registry/list-published-files.js';
import { isValidVersion, normalizeVersion } from '../../../shared/registry/normalize-version.js';
import { parseDistributionFilename } from '../../../shared/registry/parse-distribution-filename.js';

// Unit tests of the production helpers in shared/registry/ (the stand-in's own tests call them end to end).
describe('normalizeName', () => {
  it.each([
    ['Tiny_Relay.Pkg', 'tiny-relay-pkg'],
    ['friendly-bard', 'friendly-bard'],
    ['Friendly-Bard', 'friendly-bard'],
    ['FRIENDLY-BARD', 'friendly-bard'],
    ['friendly.bard', 'friendly-bard'],
    ['friendly_bard', 'friendly-bard'],
    ['friendly--bard', 'friendly-bard'],
    ['FrIeNdLy-._.-bArD', 'friendly-bard'],
  ])('%s → %s', (name, normalized) => expect(normalizeName(name)).toBe(normalized));
});

describe('normalizeVersion', () => {
  it.each([
    ['1.0.0', '1'],
    ['1.0', '1'],
    ['v1.2.3', '1.2.3'],
    ['1.02', '1.2'],
    ['1.0-alpha1', '1a1'],
    ['1.0.0a1', '1a1'],
    ['1.0b', '1b0'],
    ['1.0c2', '1rc2'],
    ['1.0.preview.3', '1rc3'],
    ['1.0-1', '1.post1'],
    ['1.0.post1', '1.post1'],
    ['1.0rev', '1.post0'],
    ['1.0.dev', '1.dev0'],
    ['0!1.0', '1'],
    ['2!1.0', '2!1'],
    ['1.0+Ubuntu-1', '1+ubuntu.1'],
    ['not a version', 'not a version'],
  ])('%s → %s', (version, normalized) => expect(normalizeVersion(version)).toBe(normalized));

  it('tells PEP 440 versions from others', () => {
    expect(isValidVersion('1.2.3rc1.post2.dev3+local.7')).toBe(true);
    expect(isValidVersion('latest')).toBe(false);
    expect(isValidVersion('1.2.3-beta+')).toBe(false);
  });
});

describe('parseDistributionFilename', () => {
  it.each([
    ['tiny_pkg-0.1.0-py3-none-any.whl', { kind: 'wheel', name: 'tiny_pkg', version: '0.1.0' }],
    ['Tiny_Relay.Pkg-0.1.0-py3-none-any.whl', { kind: 'wheel', name: 'Tiny_Relay.Pkg', version: '0.1.0' }],
    ['pkg-1.0-1-cp311-cp311-manylinux_2_17_x86_64.whl', { kind: 'wheel', name: 'pkg', version: '1.0' }],
    ['Tiny_Relay.Pkg-0.1.0.tar.gz', { kind: 'sdist', name: 'Tiny_Relay.Pkg', version: '0.1.0' }],
    ['tiny-relay-pkg-0.1.0.tar.gz', { kind: 'sdist', name: 'tiny-relay-pkg', version: '0.1.0' }],
    ['pkg-2.0.zip', { kind: 'sdist', name: 'pkg', version: '2.0' }],
    ['pkg-1.0-x-cp311-cp311-linux.whl', undefined],
    ['pkg-1.0-py3-none.whl', undefined],
    ['pkg.tar.gz', undefined],
    ['pkg-.tar.gz', undefined],
    ['pkg-1.0.exe', undefined],
  ])('%s', (filename, parsed) => expect(parseDistributionFilename(filename)).toEqual(parsed));
});

describe('listPublishedFiles', () => {
  const answer =
    (status: number, body: string, contentType: string, seen: { url?: string; headers?: Headers } = {}) =>
    async (input: string | URL | Request, init?: RequestInit) => {
      seen.url = String(input);
      seen.headers = new Headers(init?.headers);
      return new Response(body, { status, headers: { 'Content-Type': contentType } });
    };
  const files = [
    'Demo_Pkg-1.0.0-py3-none-any.whl',
    'demo-pkg-1.0.tar.gz',
    'demo_pkg-1.0.1.tar.gz',
    'demo_pkg-1.0rc1.tar.gz',
    'other-1.0.0.tar.gz',
    'demo_pkg-1.0.0.exe',
  ];
  const json = JSON.stringify({
    meta: { 'api-version': '1.1' },
    name: 'demo-pkg',
    files: files.map((filename) => ({ filename, url: filename, hashes: {} })),
  });

  it('asks the normalized project page for PEP 691 JSON and keeps the files of that version', async () => {
    const seen: { url?: string; headers?: Headers } = {};
    const fetchImpl = answer(200, json, 'application/vnd.pypi.simple.v1+json', seen) as typeof fetch;
    const found = await listPublishedFiles(
      'https://europe-west1-python.pkg.dev/p/r',
      'Demo.Pkg',
      'v1.0',
      fetchImpl,
      {
        Authorization: 'Basic eDp5',
      },
    );
    expect(found).toEqual(['Demo_Pkg-1.0.0-py3-none-any.whl', 'demo-pkg-1.0.tar.gz']);
    expect(seen.url).toBe('https://europe-west1-python.pkg.dev/p/r/simple/demo-pkg/');
    expect(seen.headers?.get('accept')).toMatch(/^application\/vnd\.pypi\.simple\.v1\+json,/);
    expect(seen.headers?.get('authorization')).toBe('Basic eDp5');
  });

  it('reads a PEP 503 HTML page from an index that does not speak JSON', async () => {
    const links = files.map((filename) => `<a href="../../f/${filename}#sha256=00">${filename}</a><br/>`);
    const htmlBody = `<!DOCTYPE html><html><body>\n${links.join('\n')}\n</body></html>`;
    const found = await listPublishedFiles(
      'http://x/p/r/',
      'demo-pkg',
      '1.0rc1',
      answer(200, htmlBody, 'text/html') as typeof fetch,
    );
    expect(found).toEqual(['demo_pkg-1.0rc1.tar.gz']);
  });

  it('returns an empty list for an unknown project and throws on other failures', async () => {
    expect(
      await listPublishedFiles(
        'http://x/p/r/',
        'nope',
        '1.0',
        answer(404, 'no', 'text/plain') as typeof fetch,
      ),
    ).toEqual([]);
    await expect(
      listPublishedFiles('http://x/p/r/', 'demo', '1.0', answer(503, 'busy', 'text/plain') as typeof fetch),
    ).rejects.toThrow(
      'Unable to list the files of "demo" at http://x/p/r/simple/demo/. Reason: HTTP 503 busy',
    );
    await expect(
      listPublishedFiles(
        'http://x/p/r/',
        'demo',
        '1.0',
        answer(200, '{"nope":1}', 'application/vnd.pypi.simple.v1+json') as typeof fetch,
      ),
    ).rejects.toThrow(/not a simple-API page/);
    const offline = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    await expect(listPublishedFiles('http://x/p/r/', 'demo', '1.0', offline)).rejects.toThrow(
      /Reason: fetch failed/,
    );
  });
});
