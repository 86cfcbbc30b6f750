import { execFile } from 'node:child_process';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Bucket } from '@google-cloud/storage';
import { openStackBucket, publishReleaseRequests } from './stack-clients.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followJob } from '../../cli/follow-job.js';
import {
  createUpstreamRepository,
  type UpstreamRelease,
} from '../../local/demo/create-upstream-repository.js';
import { sampleHatchlingProject, sampleSetuptoolsProject } from '../../local/demo/sample-project.js';
import { installPinnedTools } from '../../local/python/install-pinned-tools.js';
import { installFromIndex, runPython, SYSTEM_PYTHON } from '../../local/python/install-from-index.js';
import { startStack, type Stack } from '../../local/stack/start-stack.js';
import { renameShapes } from '../shared/build/rename-shapes.js';

const run = promisify(execFile);

// A monorepo: the Python project is one folder among others, with nothing buildable at the root.
const monorepo = Object.fromEntries(
  Object.entries(sampleHatchlingProject('mono-widget', 'mono_widget', '3.2.1')).map(([path, content]) => [
    `packages/python/widget/${path}`,
    content,
  ]),
);

const UPSTREAMS: Record<string, { options: Record<string, unknown>; releases: UpstreamRelease[] }> = {
  'repack/monorepo': {
    options: { subdirectory: 'packages/python/widget' },
    releases: [
      {
        files: {
          ...monorepo,
          'package.json': '{ "name": "web", "private": true }\n',
          'README.md': '# mono\n',
        },
        tag: 'v3.2.1',
      },
    ],
  },
  'repack/override': {
    options: { versionPolicy: 'from-tag' },
    releases: [
      {
        files: sampleSetuptoolsProject('over-lib', 'over_lib', '0.1.0.dev0'),
        tag: 'v1.4.0',
        annotated: true,
      },
    ],
  },
  'repack/mismatch': {
    options: {},
    releases: [{ files: sampleSetuptoolsProject('mis-lib', 'mis_lib', '0.1.0'), tag: 'v1.4.0' }],
  },
  'repack/rename': {
    options: { distributionName: 'acme-rename-lib' },
    releases: [{ files: sampleSetuptoolsProject('rename-lib', 'rename_lib', '1.0.0'), tag: 'v1.0.0' }],
  },
  // Backends that find the code by the project's name, and compute the version (0.9.0) from it.
  'repack/rename-flit': {
    options: { distributionName: 'acme-rn-fl', versionPolicy: 'from-tag' },
    releases: [{ files: renameShapes.flit_core.files, tag: 'v1.0.0' }],
  },
  'repack/rename-hatchling': {
    options: { distributionName: 'acme-rn-ha', versionPolicy: 'from-tag' },
    releases: [{ files: renameShapes.hatchling.files, tag: 'v1.0.0' }],
  },
};

// Generous against a loaded machine; each file runs in about a minute on two idle cores.
const TEST_TIMEOUT_MS = 240_000;

describe('repackaging on the local stack: monorepos, versions from tags, renames', () => {
  let stack: Stack;
  let bucket: Bucket;
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pkgrelay-repack-'));
    const configPath = join(root, 'repositories.json');
    const repositories = Object.entries(UPSTREAMS).map(([repository, { options }]) => ({
      repository,
      ...options,
    }));
    await writeFile(configPath, JSON.stringify({ repositories }));
    await Promise.all(
      Object.entries(UPSTREAMS).map(([repository, { releases }]) =>
        createUpstreamRepository(join(root, 'upstreams'), repository, releases),
      ),
    );
    stack = await startStack({ rootDir: root, configPath });
    bucket = await openStackBucket(stack.info);
    await publishReleaseRequests(
      stack.info,
      Object.entries(UPSTREAMS).flatMap(([repository, { releases }]) =>
        releases.map(({ tag }) => ({ repository, tag })),
      ),
    );
  });
  afterAll(async () => stack?.stop());

  const finished = (repository: string, tag: string) =>
    followJob(bucket, { repository, tag }, { timeoutMs: 180_000 });

  it.concurrent(
    'builds the project in the configured subdirectory of a monorepo',
    async () => {
      const job = await finished('repack/monorepo', 'v3.2.1');
      expect(job.state, JSON.stringify(job.error)).toBe('published');
      const { python } = await installFromIndex(stack.info.index.url, 'mono-widget==3.2.1');
      expect(await runPython(python, 'import mono_widget; print(mono_widget.hello())')).toBe(
        'hello from mono-widget 3.2.1',
      );
    },
    TEST_TIMEOUT_MS,
  );

  it.concurrent(
    'publishes the tag version when the configuration says "from-tag"',
    async () => {
      const job = await finished('repack/override', 'v1.4.0');
      expect(job.state, JSON.stringify(job.error)).toBe('published');
      expect(job.artifacts.map((artifact) => artifact.filename).sort()).toEqual([
        'over_lib-1.4.0-py3-none-any.whl',
        'over_lib-1.4.0.tar.gz',
      ]);
      const { python } = await installFromIndex(stack.info.index.url, 'over-lib==1.4.0');
      expect(
        await runPython(
          python,
          'import importlib.metadata as m, over_lib; print(m.version("over-lib"), over_lib.hello())',
        ),
      ).toBe('1.4.0 hello from over-lib 0.1.0.dev0');
    },
    TEST_TIMEOUT_MS,
  );

  it.concurrent(
    'fails VERSION_MISMATCH naming both versions when the tag and the metadata disagree',
    async () => {
      const job = await finished('repack/mismatch', 'v1.4.0');
      expect(job.state).toBe('failed');
      expect(job.error).toMatchObject({ code: 'VERSION_MISMATCH', step: 'verify' });
      expect(job.error?.message).toContain('names version 1.4.0 but the project built 0.1.0');
      expect(job.error?.message).toContain('"versionPolicy": "from-tag"');
    },
    TEST_TIMEOUT_MS,
  );

  it.concurrent(
    'publishes under the configured distribution name, with a correct wheel and sdist',
    async () => {
      const job = await finished('repack/rename', 'v1.0.0');
      expect(job.state, JSON.stringify(job.error)).toBe('published');
      const filenames = job.artifacts.map((artifact) => artifact.filename).sort();
      expect(filenames).toEqual(['acme_rename_lib-1.0.0-py3-none-any.whl', 'acme_rename_lib-1.0.0.tar.gz']);

      // The files exactly as the registry serves them.
      const downloads = await mkdtemp(join(root, 'downloads-'));
      await run(SYSTEM_PYTHON, [
        '-m',
        'pip',
        'download',
        '--no-deps',
        '--only-binary',
        ':all:',
        '--disable-pip-version-check',
        '--index-url',
        stack.info.index.url,
        '--dest',
        downloads,
        'acme-rename-lib==1.0.0',
      ]);
      await run(SYSTEM_PYTHON, [
        '-m',
        'pip',
        'download',
        '--no-deps',
        '--no-binary',
        ':all:',
        '--no-build-isolation',
        '--disable-pip-version-check',
        '--index-url',
        stack.info.index.url,
        '--dest',
        downloads,
        'acme-rename-lib==1.0.0',
      ]);
      const files = (await readdir(downloads)).sort();
      expect(files).toEqual(filenames);
      const paths = files.map((file) => join(downloads, file));
      // twine as the build pins it: Debian's 4.0.2 cannot read Metadata-Version 2.4, which current backends write.
      const tools = await installPinnedTools(join(root, 'tools'));
      const checked = await run(SYSTEM_PYTHON, ['-m', 'twine', 'check', ...paths], { env: tools });
      expect(checked.stdout.match(/PASSED/g)).toHaveLength(2);

      // Every RECORD row of the wheel names a file it holds, with its sha256 and size; every file has a row.
      const record = await run(SYSTEM_PYTHON, ['-c', CHECK_WHEEL, paths[0] ?? '']);
      expect(JSON.parse(record.stdout)).toEqual({
        distInfo: ['acme_rename_lib-1.0.0.dist-info'],
        name: 'acme-rename-lib',
        version: '1.0.0',
        unlisted: [],
        wrong: [],
      });
      const sdist = await run(SYSTEM_PYTHON, ['-c', CHECK_SDIST, paths[1] ?? '', join(downloads, 'rebuilt')]);
      expect(JSON.parse(sdist.stdout)).toEqual({
        tops: ['acme_rename_lib-1.0.0'],
        names: ['acme-rename-lib'],
        rebuilt: ['acme_rename_lib-1.0.0-py3-none-any.whl'],
      });

      const { python } = await installFromIndex(stack.info.index.url, 'acme-rename-lib==1.0.0');
      const show = await run(python, ['-m', 'pip', 'show', 'acme-rename-lib']);
      expect(show.stdout).toMatch(/^Name: acme-rename-lib$/m);
      expect(show.stdout).toMatch(/^Version: 1\.0\.0$/m);
      expect(JSON.parse(await runPython(python, CHECK_INSTALLED))).toEqual({
        name: 'acme-rename-lib',
        version: '1.0.0',
        hello: 'hello from rename-lib 1.0.0',
        badHashes: [],
      });
    },
    TEST_TIMEOUT_MS,
  );

  it.concurrent.each([
    ['flit_core', 'repack/rename-flit', 'acme-rn-fl', 'rn_fl'],
    ['hatchling', 'repack/rename-hatchling', 'acme-rn-ha', 'rn_ha'],
  ])(
    'a renamed, re-versioned %s sdist installs from the index with --no-binary :all:',
    async (_backend, repository, name, module) => {
      const job = await finished(repository, 'v1.0.0');
      expect(job.state, JSON.stringify(job.error)).toBe('published');
      const target = await mkdtemp(join(root, 'from-source-'));
      // Built from the sdist with this machine's own backends (Debian's flit_core 3.8, hatchling 1.12), offline.
      const installed = await run(
        SYSTEM_PYTHON,
        [
          '-m',
          'pip',
          'install',
          '--no-deps',
          '--no-binary',
          ':all:',
          '--no-build-isolation',
          '--no-cache-dir',
          '--disable-pip-version-check',
          '--index-url',
          stack.info.index.url,
          '--target',
          target,
          `${name}==1.0.0`,
        ],
        { env: { ...process.env, PIP_CONFIG_FILE: '/dev/null' } },
      );
      expect(installed.stdout).toContain(`${name.replace(/-/g, '_')}-1.0.0.tar.gz`);
      const code = `import importlib.metadata as m, json, ${module}; print(json.dumps([m.metadata("${name}")["Name"], m.version("${name}"), ${module}.hello()]))`;
      const { stdout } = await run(SYSTEM_PYTHON, ['-c', code], { env: { PYTHONPATH: target } });
      expect(JSON.parse(stdout)).toEqual([name, '1.0.0', `hello from ${module}`]);
    },
    TEST_TIMEOUT_MS,
  );
});

const CHECK_WHEEL = String.raw`
import base64, csv, email.parser, hashlib, io, json, sys, zipfile
whl = zipfile.ZipFile(sys.argv[1])
dist_info = sorted({n.split("/")[0] for n in whl.namelist() if n.split("/")[0].endswith(".dist-info")})
meta = email.parser.Parser().parsestr(whl.read(dist_info[0] + "/METADATA").decode())
rows = list(csv.reader(io.StringIO(whl.read(dist_info[0] + "/RECORD").decode())))
listed, wrong = set(), []
for path, digest, size in rows:
    listed.add(path)
    if path.endswith("/RECORD"):
        continue
    data = whl.read(path)
    expected = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    if digest != expected or int(size) != len(data):
        wrong.append(path)
print(json.dumps({"distInfo": dist_info, "name": meta["Name"], "version": meta["Version"],
                  "unlisted": sorted(set(whl.namelist()) - listed), "wrong": wrong}))
`;

const CHECK_SDIST = String.raw`
import email.parser, json, os, subprocess, sys, tarfile
tar = tarfile.open(sys.argv[1])
tops = sorted({m.name.split("/")[0] for m in tar.getmembers()})
names = sorted({email.parser.Parser().parsestr(tar.extractfile(m).read().decode())["Name"]
                for m in tar.getmembers() if m.name.endswith("PKG-INFO")})
# Built again from the renamed sdist, the project is still the renamed one.
subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
                "--disable-pip-version-check", "--wheel-dir", sys.argv[2], sys.argv[1]], check=True, stdout=sys.stderr)
print(json.dumps({"tops": tops, "names": names, "rebuilt": sorted(os.listdir(sys.argv[2]))}))
`;

const CHECK_INSTALLED = String.raw`
import base64, hashlib, importlib.metadata as m, json, rename_lib
bad = []
for file in m.files("acme-rename-lib"):
    if file.hash is not None:
        digest = base64.urlsafe_b64encode(hashlib.sha256(file.read_binary()).digest()).rstrip(b"=").decode()
        if digest != file.hash.value:
            bad.append(str(file))
print(json.dumps({"name": m.metadata("acme-rename-lib")["Name"], "version": m.version("acme-rename-lib"),
                  "hello": rename_lib.hello(), "badHashes": bad}))
`;
