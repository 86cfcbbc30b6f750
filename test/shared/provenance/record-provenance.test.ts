import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBuildPlan } from '../../../shared/build/create-build-plan.js';
import { createPublishPlan } from '../../../shared/build/create-publish-plan.js';
import { RepositoryConfig } from '../../../shared/config/repository-config.js';
import { digestObjectPath, provenanceObjectPath } from '../../../shared/provenance/provenance-paths.js';
import { DigestRecord, ProvenanceStatement } from '../../../shared/provenance/provenance-statement.js';
import { recordProvenance } from '../../../shared/provenance/record-provenance.js';
import type { JobStatus } from '../../../shared/status/job-status.js';
import { createMemoryDocumentStore } from '../../fakes/create-memory-document-store.js';

const COMMIT = '3f786850e387550fdab836ed7e6dc881de23001b';
const SHA = ['a', 'b'].map((c) => c.repeat(64));
const at = '2026-12-01T10:00:00.000Z';
const ID = { repository: 'Octo-Org/Widgets', tag: 'release/v1.0.0' };

const job: JobStatus = {
  schemaVersion: 1,
  ...ID,
  version: '1.0.0',
  state: 'published',
  attempt: 2,
  createdAt: at,
  updatedAt: at,
  build: { id: 'b-7' },
  artifacts: [
    { filename: 'widgets-1.0.0.tar.gz', sha256: SHA[0] ?? '', size: 9, kind: 'sdist', uploaded: true },
    {
      filename: 'widgets-1.0.0-py3-none-any.whl',
      sha256: SHA[1] ?? '',
      size: 9,
      kind: 'wheel',
      uploaded: true,
    },
  ],
  history: [],
};

// The upstream tag at the commit the build phase's fetch step checked out.
const UPSTREAM = {
  uri: 'git+https://github.com/Octo-Org/Widgets.git@refs/tags/release/v1.0.0',
  name: 'Octo-Org/Widgets',
  digest: { gitCommit: COMMIT },
};

// The Build resource as Cloud Build returns it for the plan pkgrelay submits.
function finishedBuild(id = 'b-7') {
  const plan = createBuildPlan({
    projectId: 'proj',
    ...ID,
    version: '1.0.0',
    attempt: 2,
    repo: RepositoryConfig.parse({ repository: ID.repository, subdirectory: 'py' }),
    upstreamBase: 'https://github.com',
    registryUrl: 'https://europe-west1-python.pkg.dev/proj/pkgrelay/',
    stagingLocation: 'gs://proj-pkgrelay-status-staging/staging/abc/',
    isolation: true,
    registryAuth: 'google',
    timeoutSeconds: 900,
  });
  const outputs = plan.steps.map(() => '');
  outputs[0] = Buffer.from(JSON.stringify({ commit: COMMIT })).toString('base64');
  return {
    ...plan,
    id,
    projectId: 'proj',
    status: 'SUCCESS',
    startTime: '2026-12-01T10:00:01Z',
    finishTime: { seconds: 1_796_119_300 },
    results: { buildStepOutputs: outputs, buildStepImages: plan.steps.map(() => `sha256:${'c'.repeat(64)}`) },
  };
}

// The publish phase that published what finishedBuild('b-7') built, as Cloud Build returns it.
function finishedPublish(id = 'p-8') {
  const plan = createPublishPlan({
    built: finishedBuild().substitutions,
    pythonVersion: '3.12',
    allowedNames: ['widgets'],
    stagingLocation: 'gs://proj-pkgrelay-status-staging/staging/abc/',
    timeoutSeconds: 900,
    builderImage: 'europe-west1-docker.pkg.dev/proj/pkgrelay-images/builder:py{python}-abc',
  });
  return {
    ...plan,
    id,
    projectId: 'proj',
    status: 'SUCCESS',
    startTime: '2026-12-01T10:02:00Z',
    finishTime: '2026-12-01T10:02:30Z',
    results: {
      buildStepOutputs: plan.steps.map(() => ''),
      buildStepImages: plan.steps.map(() => `sha256:${'d'.repeat(64)}`),
    },
  };
}

describe('recordProvenance', () => {
  it('writes an SLSA v1 statement of the files, the tag, its commit and the build, and a record per digest', async () => {
    const store = createMemoryDocumentStore();
    const result = await recordProvenance(store, job, Buffer.from(JSON.stringify(finishedBuild())));
    const path = provenanceObjectPath(ID);
    expect(result).toEqual({ success: true, data: { path, written: true } });
    expect(path).toBe('provenance/octo-org/widgets/release%2Fv1.0.0.json');
    const statement = ProvenanceStatement.parse((await store.read(path))?.data);
    expect(statement.subject).toEqual([
      { name: 'widgets-1.0.0.tar.gz', digest: { sha256: SHA[0] } },
      { name: 'widgets-1.0.0-py3-none-any.whl', digest: { sha256: SHA[1] } },
    ]);
    const { buildDefinition, runDetails } = statement.predicate;
    expect(buildDefinition.externalParameters).toMatchObject({
      source: 'https://github.com/Octo-Org/Widgets.git',
      subdirectory: 'py',
      registry: 'https://europe-west1-python.pkg.dev/proj/pkgrelay/',
    });
    expect(buildDefinition.resolvedDependencies[0]).toEqual(UPSTREAM);
    expect(runDetails.metadata).toEqual({
      invocationId: 'b-7',
      startedOn: '2026-12-01T10:00:01.000Z',
      finishedOn: '2026-12-01T10:01:40.000Z',
    });
    expect(runDetails.builder.id).toBe('https://cloudbuild.googleapis.com/v1/projects/proj/builds');
    const dependencies = runDetails.builder.builderDependencies ?? [];
    expect(dependencies[0]).toEqual({
      name: 'python:3.12',
      uri: 'docker://python:3.12',
      digest: { sha256: 'c'.repeat(64) },
      annotations: { steps: ['fetch', 'build', 'pack'] },
    });
    // Every pin of tool-requirements.txt, as the build step's program carried it.
    const pins = readFileSync(
      join(import.meta.dirname, '../../../shared/build/python/pkgrelay_steps/tool-requirements.txt'),
      'utf8',
    ).match(/^\S+==\S+$/gm);
    expect(dependencies.slice(1).map((dependency) => dependency.name)).toEqual(pins);
    expect(dependencies).toContainEqual({ name: 'twine==7.0.0', uri: 'pkg:pypi/twine@7.0.0' });
    for (const sha256 of SHA)
      expect(DigestRecord.parse((await store.read(digestObjectPath(sha256)))?.data)).toMatchObject({
        sha256,
        ...ID,
        statement: path,
      });
  });

  it('is idempotent, and writes nothing for a job the build did not publish', async () => {
    const store = createMemoryDocumentStore();
    await recordProvenance(store, job, finishedBuild());
    const writes = store.writes();
    expect((await recordProvenance(store, job, finishedBuild())).success).toBe(true);
    expect(store.writes()).toBe(writes);
    expect(await recordProvenance(store, { ...job, state: 'failed' }, finishedBuild())).toMatchObject({
      success: false,
    });
    expect(await recordProvenance(store, job, finishedBuild('other'))).toMatchObject({ success: false });
    expect(store.writes()).toBe(writes);
  });

  it('takes where the files came from from the build phase when a publish phase published them', async () => {
    const store = createMemoryDocumentStore();
    const published: JobStatus = { ...job, publishBuild: { id: 'p-8' } };
    const read: string[] = [];
    const readBuild = async (id: string) => (read.push(id), id === 'b-7' ? finishedBuild() : undefined);
    const result = await recordProvenance(store, published, finishedPublish(), readBuild);
    expect(result).toMatchObject({ success: true });
    expect(read).toEqual(['b-7']);
    const statement = ProvenanceStatement.parse((await store.read(provenanceObjectPath(ID)))?.data);
    const { buildDefinition, runDetails } = statement.predicate;
    // The publish plan carries no upstream URL: the source, its commit and the subdirectory are the build phase's.
    expect(buildDefinition.externalParameters).toMatchObject({
      source: 'https://github.com/Octo-Org/Widgets.git',
      subdirectory: 'py',
    });
    expect(buildDefinition.resolvedDependencies[0]).toEqual(UPSTREAM);
    expect(buildDefinition.internalParameters).toMatchObject({ buildPhase: 'b-7' });
    expect(runDetails.metadata).toEqual({
      invocationId: 'p-8',
      startedOn: '2026-12-01T10:00:01.000Z',
      finishedOn: '2026-12-01T10:02:30.000Z',
    });
    const images = (runDetails.builder.builderDependencies ?? []).filter((dep) =>
      dep.uri?.startsWith('docker://'),
    );
    expect(images).toEqual([
      expect.objectContaining({ name: 'python:3.12', annotations: { steps: ['fetch', 'build', 'pack'] } }),
      expect.objectContaining({
        name: 'europe-west1-docker.pkg.dev/proj/pkgrelay-images/builder:py3.12-abc',
        digest: { sha256: 'd'.repeat(64) },
        annotations: { steps: ['receive', 'verify', 'check', 'upload'] },
      }),
    ]);
    // Both builds carry the same pins: each is named once.
    const pins = (runDetails.builder.builderDependencies ?? []).filter((dep) =>
      dep.uri?.startsWith('pkg:pypi/'),
    );
    expect(new Set(pins.map((pin) => pin.name)).size).toBe(pins.length);
    expect(pins).toContainEqual({ name: 'twine==7.0.0', uri: 'pkg:pypi/twine@7.0.0' });
  });

  it('reads the build phase again only when no statement names the publish phase', async () => {
    const store = createMemoryDocumentStore();
    const published: JobStatus = { ...job, publishBuild: { id: 'p-8' } };
    const read: string[] = [];
    const readBuild = async (id: string) => (read.push(id), id === 'b-7' ? finishedBuild() : undefined);
    const write = store.write.bind(store);
    let failDigests = true;
    store.write = async (path, data, options) => {
      if (failDigests && path.startsWith('digests/')) throw new Error('storage unavailable');
      return write(path, data, options);
    };
    await expect(recordProvenance(store, published, finishedPublish(), readBuild)).rejects.toThrow();
    expect(read).toEqual(['b-7']);
    // The redelivery finds the statement: it reads no build, and still writes the digest records.
    failDigests = false;
    expect(await recordProvenance(store, published, finishedPublish(), readBuild)).toMatchObject({
      success: true,
      data: { written: false },
    });
    expect(read).toEqual(['b-7']);
    expect((await store.read(digestObjectPath(SHA[0] ?? '')))?.data).toMatchObject({ ...ID });
    // A forced run's publish phase is another build: the statement is made again from its build phase.
    const rerun: JobStatus = { ...published, publishBuild: { id: 'p-9' } };
    expect(await recordProvenance(store, rerun, finishedPublish('p-9'), readBuild)).toMatchObject({
      success: true,
      data: { written: true },
    });
    expect(read).toEqual(['b-7', 'b-7']);
  });

  it('writes nothing for a publish phase whose build phase cannot be read', async () => {
    const store = createMemoryDocumentStore();
    const published: JobStatus = { ...job, publishBuild: { id: 'p-8' } };
    expect(await recordProvenance(store, published, finishedPublish(), async () => undefined)).toMatchObject({
      success: false,
      error: 'the build phase b-7 could not be read',
    });
    expect(await recordProvenance(store, published, finishedPublish())).toMatchObject({ success: false });
    expect(store.writes()).toBe(0);
  });
});
