import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Bucket } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followJob } from '../../cli/follow-job.js';
import { readRepositoryIndex } from '../../cli/read-status.js';
import { releasePayload, sendDelivery } from '../../local/github/send-delivery.js';
import { installFromIndex, runPython } from '../../local/python/install-from-index.js';
import { startStack, type Stack } from '../../local/stack/start-stack.js';
import { createByHandBuilder } from '../support/build-by-hand.js';
import { createFixtureUpstream } from '../support/create-fixture-upstream.js';
import { downloadWheel, indexOnlyPipEnv } from '../support/download-from-index.js';
import {
  FAILING_FIXTURES_DIR,
  listFixtures,
  readFixture,
  type Fixture,
  type FixtureRelease,
} from '../support/read-fixture.js';
import { readWheelMetadata, type WheelDescription } from '../support/read-wheel-metadata.js';
import { startRivalUploadProxy, type RivalUploadProxy } from '../support/start-rival-upload-proxy.js';
import { openStackBucket, publishReleaseRequests } from './stack-clients.js';

const run = promisify(execFile);

// PKGRELAY_CORPUS=c-extension,maturin-bin runs only those (while working on one shape); unset, all of them.
const names = await listFixtures();
const failingNames = await listFixtures(FAILING_FIXTURES_DIR);
const only = process.env['PKGRELAY_CORPUS']?.split(',').filter(Boolean);
const unknown = (only ?? []).filter((name) => !names.includes(name) && !failingNames.includes(name));
if (unknown.length)
  throw new Error(
    `PKGRELAY_CORPUS names no fixture: ${unknown.join(', ')}; known: ${[...names, ...failingNames].join(', ')}`,
  );
const fixtures = await Promise.all(
  names.filter((name) => !only || only.includes(name)).map((name) => readFixture(name)),
);
// Shaped as users' repositories are, built on the same stack: each fails for real, in its step.
const failing = await Promise.all(
  failingNames
    .filter((name) => !only || only.includes(name))
    .map((name) => readFixture(name, FAILING_FIXTURES_DIR)),
);
const rivalUploads = failing.flatMap((fixture) =>
  fixture.manifest.releases.flatMap((release) => release.rivalUpload ?? []),
);

// Bounds only: the whole corpus queues on two build slots of a two-core machine.
const JOB_TIMEOUT_MS = 600_000;
const TEST_TIMEOUT_MS = 900_000;

describe('the fixture corpus, from a signed webhook to pip install, against by-hand builds', () => {
  let stack: Stack;
  let bucket: Bucket;
  let root: string;
  let registry: RivalUploadProxy;
  const bares = new Map<string, string>();
  const byHand = new Map<string, Promise<{ dir: string; files: string[] }>>();
  const savedEnv = process.env;

  beforeAll(async () => {
    // pip reads only the index it is given: no machine or user configuration, no find-links.
    process.env = indexOnlyPipEnv(savedEnv);
    root = await mkdtemp(join(tmpdir(), 'pkgrelay-corpus-'));
    const configPath = join(root, 'repositories.json');
    const all = [...fixtures, ...failing];
    await writeFile(
      configPath,
      JSON.stringify({ repositories: all.map((fixture) => fixture.manifest.entry) }, null, 2),
    );
    for (const fixture of all)
      bares.set(fixture.name, await createFixtureUpstream(join(root, 'upstreams'), fixture));
    // Builds upload through it; it lets every request through, racing only the fixtures' rival uploads.
    registry = await startRivalUploadProxy(rivalUploads);
    stack = await startStack({
      rootDir: root,
      configPath,
      functionEnv: { PKGRELAY_REGISTRY_URL: `${registry.url}/` },
    });
    registry.target = stack.info.registry.url;
    bucket = await openStackBucket(stack.info);
    for (const fixture of all)
      for (const release of fixture.manifest.releases) {
        const answer = await sendDelivery({
          url: stack.info.webhook.url,
          secret: stack.info.webhook.secret,
          event: 'release',
          payload: releasePayload(fixture.manifest.repository, release.tag),
        });
        if (answer.status !== 202)
          throw new Error(
            `${fixture.name} ${release.tag}: webhook answered ${answer.status} ${JSON.stringify(answer.body)}`,
          );
      }
    // The by-hand builds run two at a time while the stack builds: they overlap its builds.
    const builder = await createByHandBuilder(await mkdtemp(join(root, 'by-hand-')));
    for (const fixture of fixtures)
      for (const release of fixture.manifest.releases) {
        const built = builder.build(bares.get(fixture.name) ?? '', release.tag, release.subdirectory);
        built.catch(() => {}); // Awaited by the fixture's own test, which reports the failure.
        byHand.set(`${fixture.name} ${release.tag}`, built);
      }
  }, TEST_TIMEOUT_MS);
  afterAll(async () => {
    process.env = savedEnv;
    await stack?.stop();
    await registry?.close();
    // About 600 MB of workspaces, builds and venvs per run; the assertions carry each failure's cause.
    if (root) await rm(root, { recursive: true, force: true });
  });

  it.concurrent.each(fixtures.map((fixture) => [fixture.name, fixture] as const))(
    '%s: published, installed, imported, and the same wheel metadata as a by-hand build',
    async (_name, fixture) => {
      const jobs = await Promise.all(
        fixture.manifest.releases.map((release) =>
          followJob(
            bucket,
            { repository: fixture.manifest.repository, tag: release.tag },
            { timeoutMs: JOB_TIMEOUT_MS },
          ),
        ),
      );
      for (const job of jobs) expect(job.state, `${job.tag}: ${JSON.stringify(job.error)}`).toBe('published');
      for (const [index, release] of fixture.manifest.releases.entries()) {
        const reference = await byHand.get(`${fixture.name} ${release.tag}`);
        if (!reference) throw new Error(`no by-hand build of ${release.tag}`);
        const artifacts = jobs[index]?.artifacts ?? [];
        // The sdist is named as the by-hand one; a platform wheel may carry a repaired tag.
        expect(
          artifacts.filter((artifact) => artifact.kind === 'sdist').map((artifact) => artifact.filename),
        ).toEqual(reference.files.filter((file) => file.endsWith('.tar.gz')));
        // Tags belong to wheels: the record gives an sdist none.
        for (const sdist of artifacts.filter((artifact) => artifact.kind === 'sdist'))
          expect(sdist.tags, sdist.filename).toBeUndefined();
        const served = await expectSameWheel(fixture, release, reference);
        const wheels = artifacts.filter((artifact) => artifact.kind === 'wheel');
        expect(wheels.map((artifact) => [...(artifact.tags ?? [])].sort())).toEqual([
          [...served.tags].sort(),
        ]);
        const warned = new Set(jobs[index]?.warnings?.map((warning) => warning.code));
        expect([...warned].sort()).toEqual([...release.warnings].sort());
      }
      // After every release is published: a fixture's packages may depend on each other.
      for (const release of fixture.manifest.releases) await expectInstalls(release);
    },
    TEST_TIMEOUT_MS,
  );

  // `for`, not `each`: concurrent tests poll with their own context's expect.
  it.concurrent.for(failing.map((fixture) => [fixture.name, fixture] as const))(
    '%s: fails in its step with its code, says what to do next, and the record shows what was uploaded',
    { timeout: TEST_TIMEOUT_MS },
    async ([, fixture], { expect }) => {
      const { repository } = fixture.manifest;
      for (const release of fixture.manifest.releases) {
        const fails = release.fails;
        if (!fails) throw new Error(`${fixture.name} ${release.tag}: a failing fixture names its failure`);
        const job = await followJob(bucket, { repository, tag: release.tag }, { timeoutMs: JOB_TIMEOUT_MS });
        expect(job.state, JSON.stringify(job.error)).toBe('failed');
        expect(job.error).toMatchObject({ code: fails.code, step: fails.step });
        expect(job.error?.message).toContain(fails.advice);
        const served = await servedFiles(release.distribution);
        const rival = release.rivalUpload;
        if (!rival) {
          // Failed before the upload: nothing of it is in the registry, and the record names no file.
          expect(served).toEqual([]);
          expect(job.artifacts).toEqual([]);
        } else {
          // The wheel went up before the rival sdist was refused: the record says so, file by file.
          const rivalSha = registry.rivals.get(rival);
          expect(rivalSha, `the rival upload of ${rival} was made`).toBeDefined();
          expect(job.error?.message).toContain(`uploaded before the refusal: `);
          const byName = new Map(job.artifacts.map((artifact) => [artifact.filename, artifact]));
          expect([...byName.keys()].sort()).toEqual(served.map((file) => file.filename).sort());
          expect(byName.get(rival)).toMatchObject({ uploaded: false, sha256: rivalSha });
          expect(byName.get(rival)?.builtSha256).not.toBe(rivalSha);
          const uploaded = job.artifacts.filter((artifact) => artifact.uploaded);
          expect(uploaded.map((artifact) => artifact.kind)).toEqual(['wheel']);
          for (const file of served) expect(file.hashes.sha256).toBe(byName.get(file.filename)?.sha256);
        }
        await expect
          .poll(async () => (await readRepositoryIndex(bucket, repository))?.jobs, { timeout: 30_000 })
          .toEqual(
            expect.arrayContaining([
              expect.objectContaining({ tag: release.tag, state: 'failed', version: release.version }),
            ]),
          );
      }
    },
  );

  it('refuses a manual request for a tag that is no version as INVALID_REQUEST, building nothing', async () => {
    const repository = failing[0]?.manifest.repository;
    if (!repository) return;
    const id = { repository, tag: 'nightly' };
    await publishReleaseRequests(stack.info, [id]);
    const job = await followJob(bucket, id, { timeoutMs: 60_000 });
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe('INVALID_REQUEST');
    expect(job.error?.message).toMatch(/nightly.*nothing to build/);
    expect(job.build).toBeUndefined();
    await expect
      .poll(async () => (await readRepositoryIndex(bucket, repository))?.jobs, { timeout: 30_000 })
      .toEqual(expect.arrayContaining([expect.objectContaining({ tag: 'nightly', state: 'failed' })]));
  });

  const servedFiles = async (distribution: string) => {
    const response = await fetch(new URL(`simple/${distribution}/`, stack.info.registry.url), {
      headers: { accept: 'application/vnd.pypi.simple.v1+json' },
    });
    if (response.status === 404) return [];
    const page = (await response.json()) as {
      files: Array<{ filename: string; hashes: { sha256: string } }>;
    };
    return page.files;
  };

  const expectSameWheel = async (
    fixture: Fixture,
    release: FixtureRelease,
    reference: { dir: string; files: string[] },
  ) => {
    const downloads = join(root, 'downloads', fixture.name);
    await mkdir(downloads, { recursive: true });
    const served = await readWheelMetadata(
      await downloadWheel(stack.info.index.url, `${release.distribution}==${release.version}`, downloads),
    );
    const wheel = reference.files.find((file) => file.endsWith('.whl'));
    if (!wheel)
      throw new Error(`the by-hand build of ${release.tag} made no wheel: ${reference.files.join(', ')}`);
    const expected = await readWheelMetadata(join(reference.dir, wheel));
    expect(served.metadata['Name']).toEqual([release.distribution]);
    expect(served.metadata['Version']).toEqual([release.version]);
    expect(comparable(served)).toEqual(comparable(expected));
    expect(served.rootIsPurelib).toEqual(expected.rootIsPurelib);
    if (expected.tags.every((tag) => tag.endsWith('-any'))) expect(served.tags).toEqual(expected.tags);
    else {
      // A platform wheel is repaired to a manylinux tag for the same interpreter and ABI.
      expect(new Set(served.tags.map(interpreterAndAbi))).toEqual(
        new Set(expected.tags.map(interpreterAndAbi)),
      );
      for (const tag of served.tags) expect(tag).toMatch(/-manylinux_\d+_\d+_\w+$|-manylinux\d+_\w+$/);
    }
    return served;
  };

  const expectInstalls = async (release: FixtureRelease) => {
    const { python } = await installFromIndex(
      stack.info.index.url,
      `${release.distribution}==${release.version}`,
    );
    const version = await runPython(
      python,
      `import importlib.metadata as m; print(m.version(${JSON.stringify(release.distribution)}))`,
    );
    expect(version).toBe(release.version);
    if (release.import) {
      const code = `import ${release.import}; print(${release.probe?.code ?? `${release.import}.__name__`})`;
      expect(await runPython(python, code)).toBe(release.probe?.prints ?? release.import);
    }
    if (release.script) {
      const { stdout } = await run(join(dirname(python), release.script.name), release.script.args);
      expect(stdout.trim()).toBe(release.script.prints);
    }
  };
});

// Everything a wheel says about its project: the parts a repair may rewrite (tags, RECORD) aside.
function comparable({ metadata, description, entryPoints, files }: WheelDescription) {
  return {
    name: metadata['Name'],
    version: metadata['Version'],
    requiresDist: metadata['Requires-Dist'],
    license: metadata['License'],
    licenseExpression: metadata['License-Expression'],
    licenseFiles: metadata['License-File'],
    entryPoints,
    metadata,
    description,
    files,
  };
}

function interpreterAndAbi(tag: string): string {
  return tag.split('-').slice(0, 2).join('-');
}
