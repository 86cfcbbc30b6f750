import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Bucket } from '@google-cloud/storage';
import { openStackBucket, publishReleaseRequests } from './stack-clients.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followJob } from '../../cli/follow-job.js';
import {
  createUpstreamRepository,
  type UpstreamRelease,
} from '../../local/demo/create-upstream-repository.js';
import { sampleSetuptoolsProject } from '../../local/demo/sample-project.js';
import { installFromIndex, runPython } from '../../local/python/install-from-index.js';
import { startStack, type Stack } from '../../local/stack/start-stack.js';
import { sampleCExtensionProject, sampleMaturinProject } from '../fixtures/compiled-projects.js';

const run = promisify(execFile);

const UPSTREAMS: Record<string, UpstreamRelease[]> = {
  'compiled/c-extension': [
    { files: sampleCExtensionProject('cx-speed', 'cx_speed', '1.0.0'), tag: 'v1.0.0' },
  ],
  'compiled/maturin': [{ files: sampleMaturinProject('rs-hello', '1.0.0'), tag: 'v1.0.0' }],
  'compiled/pure': [{ files: sampleSetuptoolsProject('cx-pure', 'cx_pure', '1.0.0'), tag: 'v1.0.0' }],
};

// Generous against a loaded machine: isolated builds install their tools and backends from PyPI.
const TEST_TIMEOUT_MS = 300_000;
const MANYLINUX = /^[a-z0-9]+-[a-z0-9]+-manylinux_2_\d+_x86_64$/;

describe('compiled projects publish manylinux wheels (isolated builds on the local stack)', () => {
  let stack: Stack;
  let bucket: Bucket;

  beforeAll(async () => {
    // pip here reads the machine's configuration (find-links, extra indexes): the installs take the stack's index alone.
    process.env['PIP_CONFIG_FILE'] = '/dev/null';
    delete process.env['PIP_FIND_LINKS'];
    const root = await mkdtemp(join(tmpdir(), 'pkgrelay-compiled-'));
    const configPath = join(root, 'repositories.json');
    await writeFile(
      configPath,
      JSON.stringify({ repositories: Object.keys(UPSTREAMS).map((repository) => ({ repository })) }),
    );
    await Promise.all(
      Object.entries(UPSTREAMS).map(([repository, releases]) =>
        createUpstreamRepository(join(root, 'upstreams'), repository, releases),
      ),
    );
    stack = await startStack({
      rootDir: root,
      configPath,
      functionEnv: { PKGRELAY_BUILD_ISOLATION: 'true' },
    });
    bucket = await openStackBucket(stack.info);
    await publishReleaseRequests(
      stack.info,
      Object.keys(UPSTREAMS).map((repository) => ({ repository, tag: 'v1.0.0' })),
    );
  });
  afterAll(async () => stack?.stop());

  const published = async (repository: string) => {
    const job = await followJob(bucket, { repository, tag: 'v1.0.0' }, { timeoutMs: 240_000 });
    expect(job.state, JSON.stringify(job.error)).toBe('published');
    return job;
  };
  const wheelOf = (job: Awaited<ReturnType<typeof published>>) => {
    expect(job.artifacts.map((artifact) => artifact.kind).sort()).toEqual(['sdist', 'wheel']);
    const wheel = job.artifacts.find((artifact) => artifact.kind === 'wheel');
    expect(job.artifacts.find((artifact) => artifact.kind === 'sdist')?.tags).toBeUndefined();
    return wheel;
  };

  it.concurrent(
    'publishes a C extension as an sdist and a manylinux wheel that imports',
    async () => {
      const wheel = wheelOf(await published('compiled/c-extension'));
      expect(wheel?.filename).toMatch(/^cx_speed-1\.0\.0-cp311-cp311-manylinux.*_x86_64\.whl$/);
      expect(wheel?.tags?.length).toBeGreaterThan(0);
      expect(wheel?.tags?.find((tag) => MANYLINUX.test(tag))).toMatch(/^cp311-cp311-/);
      expect(wheel?.tags?.some((tag) => tag.endsWith('-linux_x86_64'))).toBe(false);
      const { python } = await installFromIndex(stack.info.index.url, 'cx-speed==1.0.0');
      expect(
        await runPython(
          python,
          'import cx_speed, cx_speed._speed as s; print(cx_speed.add(2, 3), s.__file__)',
        ),
      ).toMatch(/^5 .*\/site-packages\/cx_speed\/_speed\.cpython-311-x86_64-linux-gnu\.so$/);
    },
    TEST_TIMEOUT_MS,
  );

  it.concurrent(
    'publishes a maturin Rust tool as an sdist and a manylinux wheel whose command runs',
    async () => {
      const wheel = wheelOf(await published('compiled/maturin'));
      expect(wheel?.filename).toMatch(/^rs_hello-1\.0\.0-py3-none-manylinux_2_\d+_x86_64\.whl$/);
      expect(wheel?.tags).toHaveLength(1);
      expect(wheel?.tags?.[0]).toMatch(/^py3-none-manylinux_2_\d+_x86_64$/);
      const { python } = await installFromIndex(stack.info.index.url, 'rs-hello==1.0.0');
      const { stdout } = await run(join(dirname(python), 'rs-hello'));
      expect(stdout.trim()).toBe('hello from rs-hello 1.0.0');
    },
    TEST_TIMEOUT_MS,
  );

  it.concurrent(
    'leaves a pure project as it was: one py3-none-any wheel',
    async () => {
      const job = await published('compiled/pure');
      expect(job.artifacts.map((artifact) => [artifact.filename, artifact.tags])).toEqual(
        expect.arrayContaining([
          ['cx_pure-1.0.0-py3-none-any.whl', ['py3-none-any']],
          ['cx_pure-1.0.0.tar.gz', undefined],
        ]),
      );
    },
    TEST_TIMEOUT_MS,
  );
});
