import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Bucket } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followJob } from '../../cli/follow-job.js';
import { releasePayload, sendDelivery } from '../../local/github/send-delivery.js';
import { installFromIndex, runPython } from '../../local/python/install-from-index.js';
import { startStack, type Stack } from '../../local/stack/start-stack.js';
import { createByHandBuilder } from '../support/build-by-hand.js';
import { createFixtureUpstream } from '../support/create-fixture-upstream.js';
import { downloadWheel, indexOnlyPipEnv } from '../support/download-from-index.js';
import { listFixtures, readFixture, type Fixture, type FixtureRelease } from '../support/read-fixture.js';
import { readWheelMetadata, type WheelDescription } from '../support/read-wheel-metadata.js';
import { openStackBucket } from './stack-clients.js';

const run = promisify(execFile);

// PKGRELAY_CORPUS=c-extension,maturin-bin runs only those (while working on one shape); unset, all of them.
const names = await listFixtures();
const only = process.env['PKGRELAY_CORPUS']?.split(',').filter(Boolean);
const unknown = (only ?? []).filter((name) => !names.includes(name));
if (unknown.length)
  throw new Error(`PKGRELAY_CORPUS names no fixture: ${unknown.join(', ')}; known: ${names.join(', ')}`);
const fixtures = await Promise.all(
  names.filter((name) => !only || only.includes(name)).map((name) => readFixture(name)),
);

// Bounds only: the whole corpus queues on two build slots of a two-core machine.
const JOB_TIMEOUT_MS = 600_000;
const TEST_TIMEOUT_MS = 900_000;

describe('the fixture corpus, from a signed webhook to pip install, against by-hand builds', () => {
  let stack: Stack;
  let bucket: Bucket;
  let root: string;
  const bares = new Map<string, string>();
  const byHand = new Map<string, Promise<{ dir: string; files: string[] }>>();
  const savedEnv = process.env;

  beforeAll(async () => {
    // pip reads only the index it is given: no machine or user configuration, no find-links.
    process.env = indexOnlyPipEnv(savedEnv);
    root = await mkdtemp(join(tmpdir(), 'pkgrelay-corpus-'));
    const configPath = join(root, 'repositories.json');
    await writeFile(
      configPath,
      JSON.stringify({ repositories: fixtures.map((fixture) => fixture.manifest.entry) }, null, 2),
    );
    for (const fixture of fixtures)
      bares.set(fixture.name, await createFixtureUpstream(join(root, 'upstreams'), fixture));
    stack = await startStack({ rootDir: root, configPath });
    bucket = await openStackBucket(stack.info);
    for (const fixture of fixtures)
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
