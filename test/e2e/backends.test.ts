import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bucket } from '@google-cloud/storage';
import { openStackBucket, publishReleaseRequests } from './stack-clients.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followJob } from '../../cli/follow-job.js';
import {
  createUpstreamRepository,
  type UpstreamRelease,
} from '../../local/demo/create-upstream-repository.js';
import {
  sampleFlitProject,
  sampleHatchlingProject,
  samplePoetry2Project,
  samplePoetryProject,
  sampleScmProject,
  sampleSetupPyProject,
  sampleSetuptoolsProject,
} from '../../local/demo/sample-project.js';
import { installFromIndex, runPython } from '../../local/python/install-from-index.js';
import { startStack, type Stack } from '../../local/stack/start-stack.js';

// One upstream per backend; every release is requested at once so the builds overlap the installs.
const UPSTREAMS: Record<string, UpstreamRelease[]> = {
  'backends/setuptools': [
    { files: sampleSetuptoolsProject('be-setuptools', 'be_setuptools', '1.0.0'), tag: 'v1.0.0' },
  ],
  'backends/setup-py': [
    { files: sampleSetupPyProject('be-setup-py', 'be_setup_py', '1.0.0'), tag: 'v1.0.0' },
  ],
  'backends/hatchling': [
    { files: sampleHatchlingProject('be-hatchling', 'be_hatchling', '1.0.0'), tag: 'v1.0.0' },
  ],
  'backends/flit': [{ files: sampleFlitProject('be-flit', 'be_flit', '1.0.0'), tag: 'v1.0.0' }],
  'backends/poetry': [{ files: samplePoetryProject('be-poetry', 'be_poetry', '1.0.0'), tag: 'v1.0.0' }],
  'backends/scm': [
    { files: sampleScmProject('be-scm', 'be_scm'), tag: 'v2.0.0', annotated: true },
    { files: { 'CHANGES.md': 'a lightweight tag\n' }, tag: 'v2.1.0' },
  ],
  'backends/hatchling-new': [
    {
      files: sampleHatchlingProject('be-hatchling-new', 'be_hatchling_new', '1.0.0', {
        requires: ['hatchling>=1.26'],
      }),
      tag: 'v1.0.0',
    },
  ],
  'backends/poetry2': [{ files: samplePoetry2Project('be-poetry2', 'be_poetry2', '1.0.0'), tag: 'v1.0.0' }],
  // Declares no minimum, but a PEP 639 license expression needs setuptools 77: only the output says so.
  'backends/pep639': [
    {
      files: {
        ...sampleSetuptoolsProject('be-pep639', 'be_pep639', '1.0.0', { requires: ['setuptools'] }),
        'pyproject.toml': [
          '[build-system]',
          'requires = ["setuptools"]',
          'build-backend = "setuptools.build_meta"',
          '',
          '[project]',
          'name = "be-pep639"',
          'version = "1.0.0"',
          'license = "MIT"',
          '',
        ].join('\n'),
      },
      tag: 'v1.0.0',
    },
  ],
};

// Generous against a loaded machine; each file runs in about a minute on two idle cores.
const TEST_TIMEOUT_MS = 240_000;

describe('every build backend, offline on the local stack', () => {
  let stack: Stack;
  let bucket: Bucket;

  beforeAll(async () => {
    const root = await mkdtemp(join(tmpdir(), 'pkgrelay-backends-'));
    const configPath = join(root, 'repositories.json');
    const repositories = Object.keys(UPSTREAMS).map((repository) => ({ repository }));
    await writeFile(configPath, JSON.stringify({ repositories }));
    await Promise.all(
      Object.entries(UPSTREAMS).map(([repository, releases]) =>
        createUpstreamRepository(join(root, 'upstreams'), repository, releases),
      ),
    );
    // The offline mode: the machine's own backends, and BACKEND_TOO_OLD where they are too old.
    stack = await startStack({ rootDir: root, configPath, buildIsolation: false });
    bucket = await openStackBucket(stack.info);
    await publishReleaseRequests(
      stack.info,
      Object.entries(UPSTREAMS).flatMap(([repository, releases]) =>
        releases.map(({ tag }) => ({ repository, tag })),
      ),
    );
  });
  afterAll(async () => stack?.stop());

  const published = async (repository: string, tag: string) => {
    const job = await followJob(bucket, { repository, tag }, { timeoutMs: 180_000 });
    expect(job.state, JSON.stringify(job.error)).toBe('published');
    return job;
  };
  const installed = async (requirement: string, code: string) => {
    const { python } = await installFromIndex(stack.info.index.url, requirement);
    return runPython(python, code);
  };

  it.concurrent.each([
    ['setuptools (PEP 621)', 'backends/setuptools', 'be-setuptools', 'be_setuptools'],
    ['setuptools (setup.py only)', 'backends/setup-py', 'be-setup-py', 'be_setup_py'],
    ['hatchling', 'backends/hatchling', 'be-hatchling', 'be_hatchling'],
    ['flit_core', 'backends/flit', 'be-flit', 'be_flit'],
    ['poetry-core ([tool.poetry])', 'backends/poetry', 'be-poetry', 'be_poetry'],
  ])(
    'publishes a %s project that pip installs',
    async (_backend, repository, name, module) => {
      const job = await published(repository, 'v1.0.0');
      expect(job.artifacts.map((artifact) => artifact.kind).sort()).toEqual(['sdist', 'wheel']);
      expect(await installed(`${name}==1.0.0`, `import ${module}; print(${module}.hello())`)).toBe(
        `hello from ${name} 1.0.0`,
      );
    },
    TEST_TIMEOUT_MS,
  );

  it.concurrent.each([
    ['an annotated', 'v2.0.0', '2.0.0'],
    ['a lightweight', 'v2.1.0', '2.1.0'],
  ])(
    'takes a setuptools-scm version from %s tag fetched at depth 1',
    async (_kind, tag, version) => {
      const job = await published('backends/scm', tag);
      expect(job.artifacts.map((artifact) => artifact.filename).sort()).toEqual([
        `be-scm-${version}.tar.gz`,
        `be_scm-${version}-py3-none-any.whl`,
      ]);
      expect(await installed(`be-scm==${version}`, 'import be_scm; print(be_scm.hello())')).toBe(
        `hello from be-scm ${version}`,
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'fails BACKEND_TOO_OLD where only the build output shows the backend is too old',
    async () => {
      const job = await followJob(
        bucket,
        { repository: 'backends/pep639', tag: 'v1.0.0' },
        { timeoutMs: 180_000 },
      );
      expect(job.state).toBe('failed');
      expect(job.error?.code).toBe('BACKEND_TOO_OLD');
      expect(job.error?.message).toContain('setuptools >= 77');
      expect(job.error?.message).toContain('PKGRELAY_BUILD_ISOLATION=true');
      // The tail shows the cause, with no workspace or build-environment paths.
      expect(job.error?.logTail).toContain('project.license');
      expect(job.error?.logTail).not.toMatch(/\/workspace\/|site-packages\//);
      expect(job.error?.logTail).not.toContain(String.fromCharCode(27));
    },
    TEST_TIMEOUT_MS,
  );

  it.concurrent.each([
    ['hatchling>=1.26', 'backends/hatchling-new', 'hatchling>=1.26 (this builder has 1.12.2)'],
    ['poetry-core 2 (PEP 621)', 'backends/poetry2', 'poetry-core>=2.0.0,<3.0.0 (this builder has 1.4.0)'],
  ])(
    'fails BACKEND_TOO_OLD for a project that needs %s, saying what fixes it',
    async (_need, repository, named) => {
      const job = await followJob(bucket, { repository, tag: 'v1.0.0' }, { timeoutMs: 180_000 });
      expect(job.state).toBe('failed');
      expect(job.error?.code).toBe('BACKEND_TOO_OLD');
      expect(job.error?.step).toBe('build');
      expect(job.error?.message).toContain(named);
      expect(job.error?.message).toContain('PKGRELAY_BUILD_ISOLATION=true');
    },
    TEST_TIMEOUT_MS,
  );
});
