import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRegistryServer, type RegistryServer } from '../../../local/registry/start-registry-server.js';
import { createLogger } from '../../../shared/log/create-logger.js';
import { listPublishedFiles } from '../../../shared/registry/list-published-files.js';

const JSON_TYPE = 'application/vnd.pypi.simple.v1+json';
// What pip 23 sends.
const PIP_ACCEPT = `${JSON_TYPE}, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01`;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

interface UploadOptions {
  filename: string;
  content?: Uint8Array;
  fields?: Record<string, string | undefined>;
  headers?: Record<string, string>;
}

/** A legacy upload as twine builds it, with any field overridden (or dropped with `undefined`). */
function upload(repositoryUrl: string, { filename, content, fields = {}, headers = {} }: UploadOptions) {
  const bytes = content ?? new TextEncoder().encode(`bytes of ${filename}`);
  const wheel = filename.endsWith('.whl');
  const defaults: Record<string, string> = {
    ':action': 'file_upload',
    protocol_version: '1',
    name: 'demo-pkg',
    version: '1.0.0',
    filetype: wheel ? 'bdist_wheel' : 'sdist',
    pyversion: wheel ? 'py3' : 'source',
    metadata_version: '2.1',
    requires_python: '>=3.8,<4',
    sha256_digest: sha256(bytes),
    md5_digest: md5(bytes),
  };
  const form = new FormData();
  for (const [key, value] of Object.entries({ ...defaults, ...fields })) {
    if (value !== undefined) form.append(key, value);
  }
  form.append('classifiers', 'Programming Language :: Python :: 3');
  form.append('classifiers', 'License :: OSI Approved :: Apache Software License');
  form.append('content', new Blob([bytes]), filename);
  return fetch(repositoryUrl, { method: 'POST', body: form, headers });
}

describe('registry stand-in over HTTP', () => {
  let work: string;
  let registry: RegistryServer;
  const logLines: string[] = [];
  let repo: string;
  let counter = 0;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'pkgrelay-registry-http-'));
    registry = await startRegistryServer({
      dataDir: join(work, 'data'),
      logger: createLogger({ write: (line) => logLines.push(line) }),
    });
  });
  afterAll(async () => {
    await registry?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });
  // Every test gets a repository of its own, created by its first upload.
  const freshRepository = () => {
    counter += 1;
    repo = registry.repositoryUrl('test-project', `repo-${counter}`);
    return repo;
  };
  afterEach(() => {
    logLines.length = 0;
  });

  it('stores an upload and serves it on the HTML and JSON simple pages and at its download URL', async () => {
    const url = freshRepository();
    const content = new TextEncoder().encode('wheel bytes');
    const response = await upload(url, { filename: 'Demo_Pkg-1.0.0-py3-none-any.whl', content });
    expect(response.status).toBe(200);

    const index = await fetch(`${url}simple/`);
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(await index.text()).toContain('<a href="demo-pkg/">demo-pkg</a>');
    const indexJson = await (await fetch(`${url}simple/`, { headers: { Accept: JSON_TYPE } })).json();
    expect(indexJson).toEqual({ meta: { 'api-version': '1.1' }, projects: [{ name: 'demo-pkg' }] });

    const page = await fetch(`${url}simple/demo-pkg/`);
    const html = await page.text();
    const link =
      /<a href="([^"]+)" data-requires-python="([^"]+)">Demo_Pkg-1\.0\.0-py3-none-any\.whl<\/a>/.exec(html);
    expect(link?.[2], 'requires-python is HTML-escaped').toBe('&gt;=3.8,&lt;4');
    expect(link?.[1]).toMatch(new RegExp(`#sha256=${sha256(content)}$`));

    const json = await fetch(`${url}simple/demo-pkg/`, { headers: { Accept: PIP_ACCEPT } });
    expect(json.headers.get('content-type')).toBe(JSON_TYPE);
    const body = (await json.json()) as { files: { url: string }[] };
    expect(body).toMatchObject({
      meta: { 'api-version': '1.1' },
      name: 'demo-pkg',
      versions: ['1.0.0'],
      files: [
        {
          filename: 'Demo_Pkg-1.0.0-py3-none-any.whl',
          hashes: { sha256: sha256(content) },
          'requires-python': '>=3.8,<4',
          size: content.length,
          'upload-time': expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        },
      ],
    });
    const download = await fetch(new URL(body.files[0]?.url ?? '', `${url}simple/demo-pkg/`));
    expect(download.status).toBe(200);
    expect(sha256(new Uint8Array(await download.arrayBuffer()))).toBe(sha256(content));
    // The HTML link and the JSON url name the same file.
    expect(new URL(link?.[1] ?? '', `${url}simple/demo-pkg/`).pathname).toBe(
      new URL(body.files[0]?.url ?? '', `${url}simple/demo-pkg/`).pathname,
    );

    const entries = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toContainEqual(
      expect.objectContaining({
        severity: 'INFO',
        message: 'file uploaded',
        component: 'registry',
        sha256: sha256(content),
      }),
    );
    expect(entries).toContainEqual(
      expect.objectContaining({ message: 'request', method: 'POST', status: 200 }),
    );
  });

  it('answers a second upload of a file with 400 "Requested entity already exists."', async () => {
    const url = freshRepository();
    expect((await upload(url, { filename: 'demo_pkg-1.0.0.tar.gz' })).status).toBe(200);
    const again = await upload(url, {
      filename: 'demo_pkg-1.0.0.tar.gz',
      content: new TextEncoder().encode('other'),
    });
    expect(again.status).toBe(400);
    expect(again.statusText).toBe('Bad Request');
    expect(await again.text()).toBe('Requested entity already exists.\n');
    // Same version, other file: fine.
    expect((await upload(url, { filename: 'demo_pkg-1.0.0-py3-none-any.whl' })).status).toBe(200);
  });

  it.each([
    {
      why: 'a wrong sha256',
      options: { filename: 'demo_pkg-1.0.0.tar.gz', fields: { sha256_digest: 'a'.repeat(64) } },
      message: /"sha256_digest" a{64} does not match the uploaded file/,
    },
    {
      why: 'no sha256',
      options: { filename: 'demo_pkg-1.0.0.tar.gz', fields: { sha256_digest: undefined } },
      message: /Missing "sha256_digest"/,
    },
    {
      why: 'a wrong md5',
      options: { filename: 'demo_pkg-1.0.0.tar.gz', fields: { md5_digest: 'b'.repeat(32) } },
      message: /"md5_digest" b{32} does not match/,
    },
    {
      why: 'a filename of another project',
      options: { filename: 'other_pkg-1.0.0.tar.gz' },
      message: /names project "other_pkg", but the upload's "name" is "demo-pkg"/,
    },
    {
      why: 'a filename of another version',
      options: { filename: 'demo_pkg-1.0.1-py3-none-any.whl' },
      message: /names version "1.0.1", but the upload's "version" is "1.0.0"/,
    },
    {
      why: 'a filename that is no distribution',
      options: { filename: 'demo_pkg-1.0.0.exe' },
      message: /Invalid distribution filename "demo_pkg-1.0.0.exe"/,
    },
    {
      why: 'a filename with a leading dot',
      options: { filename: '.demo_pkg-1.0.0.tar.gz' },
      message: /Invalid distribution filename/,
    },
    {
      why: 'a version that is not PEP 440',
      options: { filename: 'demo_pkg-latest.tar.gz', fields: { version: 'latest' } },
      message: /it must be a PEP 440 version/,
    },
    {
      why: 'a filetype that does not fit the filename',
      options: { filename: 'demo_pkg-1.0.0.tar.gz', fields: { filetype: 'bdist_wheel' } },
      message: /is a sdist, but the upload's "filetype" is "bdist_wheel"/,
    },
    {
      why: 'another action',
      options: { filename: 'demo_pkg-1.0.0.tar.gz', fields: { ':action': 'submit' } },
      message: /Unsupported ":action" "submit"/,
    },
    {
      why: 'an empty file',
      options: { filename: 'demo_pkg-1.0.0.tar.gz', content: new Uint8Array() },
      message: /is empty/,
    },
  ])('rejects an upload with $why (400, nothing stored)', async ({ options, message }) => {
    const url = freshRepository();
    const response = await upload(url, options);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(message);
    expect((await fetch(`${url}simple/demo-pkg/`)).status).toBe(404);
    expect(JSON.parse(logLines.find((line) => line.includes('upload rejected')) ?? '{}')).toMatchObject({
      severity: 'WARNING',
      reason: expect.stringMatching(message),
    });
  });

  it('accepts names and versions that normalize alike (PEP 503, PEP 440)', async () => {
    const url = freshRepository();
    const response = await upload(url, {
      filename: 'Demo.Pkg-1.0a1.tar.gz',
      fields: { name: 'demo_pkg', version: '1.0.0-alpha1' },
    });
    expect(response.status, await response.text()).toBe(200);
    expect(await listPublishedFiles(url, 'DEMO-pkg', '1.0a1')).toEqual(['Demo.Pkg-1.0a1.tar.gz']);
  });

  it('rejects a body that is not multipart/form-data', async () => {
    const response = await fetch(freshRepository(), {
      method: 'POST',
      body: 'name=demo',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('multipart/form-data');
  });

  it('lets exactly one of many concurrent uploads of one filename win', async () => {
    const url = freshRepository();
    const contents = Array.from({ length: 12 }, (_, i) => new TextEncoder().encode(`candidate ${i}`));
    const responses = await Promise.all(
      contents.map((content) => upload(url, { filename: 'demo_pkg-1.0.0.tar.gz', content })),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 400)).toHaveLength(contents.length - 1);
    const winner = contents[statuses.indexOf(200)] ?? new Uint8Array();
    const page = (await (
      await fetch(`${url}simple/demo-pkg/`, { headers: { Accept: JSON_TYPE } })
    ).json()) as {
      files: { hashes: { sha256: string } }[];
    };
    expect(page.files).toHaveLength(1);
    expect(page.files[0]?.hashes.sha256).toBe(sha256(winner));
    const download = await fetch(`${url}files/demo-pkg/demo_pkg-1.0.0.tar.gz`);
    expect(new TextDecoder().decode(await download.arrayBuffer())).toBe(new TextDecoder().decode(winner));
  });

  it('redirects non-normalized names and missing slashes, and answers 404 for the unknown', async () => {
    const url = freshRepository();
    await upload(url, { filename: 'demo_pkg-1.0.0.tar.gz' });
    for (const [path, target] of [
      ['simple/Demo_Pkg/', 'simple/demo-pkg/'],
      ['simple/demo.pkg', 'simple/demo-pkg/'],
      ['simple/demo-pkg', 'simple/demo-pkg/'],
      ['simple', 'simple/'],
    ] as const) {
      const response = await fetch(`${url}${path}`, { redirect: 'manual' });
      expect(response.status, path).toBe(301);
      expect(new URL(response.headers.get('location') ?? '', url).href, path).toBe(`${url}${target}`);
    }
    expect((await fetch(`${url}simple/unknown-pkg/`)).status).toBe(404);
    expect((await fetch(`${url}files/demo-pkg/demo_pkg-9.9.9.tar.gz`)).status).toBe(404);
    expect((await fetch(`${url}files/demo-pkg/..%2F..%2Fsecret`)).status).toBe(404);
    expect(await listPublishedFiles(url, 'unknown-pkg', '1.0.0')).toEqual([]);
  });

  it.each([
    { accept: undefined, type: 'text/html; charset=utf-8' },
    { accept: '*/*', type: 'text/html; charset=utf-8' },
    { accept: 'text/html', type: 'text/html; charset=utf-8' },
    { accept: 'application/vnd.pypi.simple.v1+html', type: 'application/vnd.pypi.simple.v1+html' },
    { accept: 'application/vnd.pypi.simple.latest+json', type: JSON_TYPE },
    { accept: PIP_ACCEPT, type: JSON_TYPE },
    { accept: `text/html;q=0.9, ${JSON_TYPE};q=0.5`, type: 'text/html; charset=utf-8' },
    { accept: `${JSON_TYPE};q=0, text/html;q=0.1`, type: 'text/html; charset=utf-8' },
    { accept: 'application/xml', type: undefined },
  ])('negotiates Accept $accept per PEP 691', async ({ accept, type }) => {
    const url = freshRepository();
    await upload(url, { filename: 'demo_pkg-1.0.0.tar.gz' });
    const response = await fetch(
      `${url}simple/demo-pkg/`,
      accept === undefined ? {} : { headers: { Accept: accept } },
    );
    expect(response.headers.get('vary')).toBe('Accept');
    if (type === undefined) {
      expect(response.status).toBe(406);
    } else {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(type);
    }
  });

  it('keeps every file across a restart on the same data folder', async () => {
    const dataDir = join(work, 'restart-data');
    const first = await startRegistryServer({ dataDir });
    const url = first.repositoryUrl('p', 'r');
    const content = new TextEncoder().encode('survives restarts');
    expect((await upload(url, { filename: 'demo_pkg-1.0.0.tar.gz', content })).status).toBe(200);
    await first.close();

    const second = await startRegistryServer({ dataDir });
    try {
      const again = second.repositoryUrl('p', 'r');
      expect(await listPublishedFiles(again, 'demo-pkg', '1.0.0')).toEqual(['demo_pkg-1.0.0.tar.gz']);
      const download = await fetch(`${again}files/demo-pkg/demo_pkg-1.0.0.tar.gz`);
      expect(sha256(new Uint8Array(await download.arrayBuffer()))).toBe(sha256(content));
      expect((await upload(again, { filename: 'demo_pkg-1.0.0.tar.gz', content })).status).toBe(400);
    } finally {
      await second.close();
    }
  });

  it('keeps repositories apart', async () => {
    const one = freshRepository();
    const two = freshRepository();
    await upload(one, { filename: 'demo_pkg-1.0.0.tar.gz' });
    expect(await listPublishedFiles(one, 'demo-pkg', '1.0.0')).toEqual(['demo_pkg-1.0.0.tar.gz']);
    expect(await listPublishedFiles(two, 'demo-pkg', '1.0.0')).toEqual([]);
    expect(await (await fetch(`${two}simple/`)).text()).not.toContain('demo-pkg');
  });
});

describe('registry stand-in with credentials', () => {
  let work: string;
  let registry: RegistryServer;
  const basic = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'pkgrelay-registry-auth-'));
    registry = await startRegistryServer({
      dataDir: work,
      credentials: { username: '_json_key_base64', password: 'token' },
    });
  });
  afterAll(async () => {
    await registry?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('answers 401 with WWW-Authenticate: Basic to uploads and reads without the right credentials', async () => {
    const url = registry.repositoryUrl('p', 'r');
    for (const headers of [
      {},
      { Authorization: basic('_json_key_base64', 'wrong') },
      { Authorization: 'Bearer token' },
    ]) {
      const uploaded = await upload(url, { filename: 'demo_pkg-1.0.0.tar.gz', headers });
      expect(uploaded.status).toBe(401);
      expect(uploaded.headers.get('www-authenticate')).toMatch(/^Basic /);
      for (const path of ['simple/', 'simple/demo-pkg/', 'files/demo-pkg/demo_pkg-1.0.0.tar.gz']) {
        expect((await fetch(`${url}${path}`, { headers })).status, path).toBe(401);
      }
    }
    expect((await fetch(`${registry.url}/healthz`)).status).toBe(200);
  });

  it('serves uploads, pages, downloads and listPublishedFiles with them', async () => {
    const url = registry.repositoryUrl('p', 'r');
    const headers = { Authorization: basic('_json_key_base64', 'token') };
    expect((await upload(url, { filename: 'demo_pkg-1.0.0.tar.gz', headers })).status).toBe(200);
    expect((await fetch(`${url}simple/demo-pkg/`, { headers })).status).toBe(200);
    expect((await fetch(`${url}files/demo-pkg/demo_pkg-1.0.0.tar.gz`, { headers })).status).toBe(200);
    expect(await listPublishedFiles(url, 'demo-pkg', '1.0', fetch, headers)).toEqual([
      'demo_pkg-1.0.0.tar.gz',
    ]);
    await expect(listPublishedFiles(url, 'demo-pkg', '1.0')).rejects.toThrow(/HTTP 401/);
  });
});
