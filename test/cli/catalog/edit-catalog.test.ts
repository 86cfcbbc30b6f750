import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Storage } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANGE_METADATA_KEY, CatalogChange } from '../../../cli/catalog/catalog-change.js';
import { editCatalog } from '../../../cli/catalog/edit-catalog.js';
import { listChanges } from '../../../cli/catalog/list-changes.js';
import type { CatalogTarget } from '../../../cli/catalog/open-catalog.js';
import { planAdd, planRemove } from '../../../cli/catalog/plan-catalog-edit.js';
import { startStorageServer } from '../../../local/storage/start-storage-server.js';
import { createGcsCatalogSource } from '../../../shared/adapters/create-gcs-catalog-source.js';
import { createRepositoryCatalog } from '../../../shared/config/create-repository-catalog.js';
import { readRepositories } from '../../../shared/config/load-config.js';
import type { RepositoryProvider } from '../../../shared/config/repository-provider.js';
import type { ConfigError } from '../../../shared/errors.js';
import { silentLogger } from '../../../shared/log/create-logger.js';

const URL = 'gs://config/served/repositories.json';

describe('pkgrelay repositories edits, on the storage stand-in through @google-cloud/storage', () => {
  let server: Awaited<ReturnType<typeof startStorageServer>>;
  let target: CatalogTarget;
  let served: RepositoryProvider;
  const generation = async () =>
    String((await target.bucket.file(target.object).getMetadata())[0].generation);
  const names = async () => (await served({ maxAgeMs: 0 })).map((repo) => repo.repository);

  beforeAll(async () => {
    server = await startStorageServer({ dataDir: await mkdtemp(join(tmpdir(), 'pkgrelay-catalog-')) });
    const storage = new Storage({ apiEndpoint: server.url, projectId: 'p' });
    await storage.createBucket('config');
    target = {
      url: URL,
      bucket: storage.bucket('config'),
      object: 'served/repositories.json',
      changesPrefix: 'served/changes/',
      kind: 'local',
    };
    // What the functions run: the same catalog code over the real client.
    served = createRepositoryCatalog({
      source: createGcsCatalogSource({
        url: URL,
        bucket: 'config',
        object: 'served/repositories.json',
        projectId: 'p',
        apiEndpoint: server.url,
      }),
      logger: silentLogger,
    });
  });
  afterAll(async () => server?.close());

  it('adds a repository to an empty catalog, keeps who and when, and the functions serve it', async () => {
    const clock = () => new Date('2026-12-01T12:00:00.000Z');
    const added = await editCatalog(target, planAdd({ repository: 'Acme/One', tagPrefix: 'one-' }, false), {
      by: 'ana@example.com',
      clock,
    });
    expect(added.change).toMatchObject({
      op: 'add',
      repository: 'Acme/One',
      by: 'ana@example.com',
      at: '2026-12-01T12:00:00.000Z',
      fromGeneration: '0',
      before: null,
      after: { repository: 'Acme/One', tagPrefix: 'one-' },
      generation: await generation(),
    });
    expect(added.record).toBe('served/changes/2026-12-01T12-00-00.000Z_add_Acme_One.json');
    const [record] = await target.bucket.file(added.record).download();
    expect(CatalogChange.parse(JSON.parse(record.toString()))).toEqual(added.change);
    expect(await names()).toEqual(['Acme/One']);
    // Stored as written, not with defaults filled in.
    const [text] = await target.bucket.file(target.object).download();
    expect(JSON.parse(text.toString())).toEqual({
      repositories: [{ repository: 'Acme/One', tagPrefix: 'one-' }],
    });
  });

  it('refuses a bad entry with the messages the repositories file gives, and writes nothing', async () => {
    const before = await generation();
    const entry = { repository: 'Acme/Bad', tagPattern: '(?=lookahead)v.*', python: '3.12' };
    const refused = await editCatalog(target, planAdd(entry, false), { by: 'ana' }).catch(
      (error: Error) => error,
    );
    let expected: ConfigError | undefined;
    try {
      readRepositories(URL, () =>
        JSON.stringify({ repositories: [{ repository: 'Acme/One', tagPrefix: 'one-' }, entry] }),
      );
    } catch (error) {
      expected = error as ConfigError;
    }
    expect(expected?.issues.length).toBeGreaterThan(1);
    expect((refused as Error).message).toBe(`${expected?.message}\nNothing was changed.`);
    expect(await generation()).toBe(before);
    expect((await listChanges(target, 'Acme/Bad')).length).toBe(0);
  });

  it('refuses a second entry for a repository unless replaced, and removes one', async () => {
    await expect(
      editCatalog(target, planAdd({ repository: 'acme/ONE' }, false), { by: 'ana' }),
    ).rejects.toThrow(/Acme\/One is served already; pass --replace/);
    const replaced = await editCatalog(target, planAdd({ repository: 'Acme/One', prereleases: true }, true), {
      by: 'bo',
    });
    expect(replaced.change).toMatchObject({
      op: 'replace',
      before: { tagPrefix: 'one-' },
      after: { prereleases: true },
    });
    expect((await served({ maxAgeMs: 0 }))[0]?.prereleases).toBe(true);
    const removed = await editCatalog(target, planRemove('acme/one'), { by: 'cy' });
    expect(removed.change).toMatchObject({ op: 'remove', repository: 'Acme/One', after: null });
    expect(await names()).toEqual([]);
    await expect(editCatalog(target, planRemove('Acme/One'), { by: 'cy' })).rejects.toThrow(/is not served/);
    const history = await listChanges(target, 'ACME/one');
    expect(history.map((change) => ('op' in change ? `${change.op} by ${change.by}` : change.path))).toEqual([
      'remove by cy',
      'replace by bo',
      'add by ana@example.com',
    ]);
  });

  it('loses no change when writers race: each lands, each with its own record', async () => {
    const repos = ['Race/A', 'Race/B', 'Race/C', 'Race/D', 'Race/E'];
    await Promise.all(
      repos.map((repository) => editCatalog(target, planAdd({ repository }, false), { by: repository })),
    );
    expect((await names()).sort()).toEqual(repos);
    for (const repository of repos) {
      const [change] = await listChanges(target, repository);
      expect(change).toMatchObject({ op: 'add', by: repository });
    }
  });

  it('records the change a writer left on the document before its own record was written', async () => {
    // A writer that stopped right after its compare-and-swap: the change rides on the document only.
    const [text] = await target.bucket.file(target.object).download();
    const document = JSON.parse(text.toString()) as { repositories: unknown[] };
    const orphan: CatalogChange = {
      schemaVersion: 1,
      op: 'add',
      repository: 'Crash/Left',
      by: 'dee',
      at: '2026-12-01T12:30:00.000Z',
      fromGeneration: await generation(),
      before: null,
      after: { repository: 'Crash/Left' },
    };
    await target.bucket
      .file(target.object)
      .save(JSON.stringify({ repositories: [...document.repositories, { repository: 'Crash/Left' }] }), {
        resumable: false,
        metadata: { metadata: { [CHANGE_METADATA_KEY]: JSON.stringify(orphan) } },
        preconditionOpts: { ifGenerationMatch: Number(orphan.fromGeneration) },
      });
    const left = await generation();
    expect(await listChanges(target, 'Crash/Left')).toEqual([]);
    await editCatalog(target, planAdd({ repository: 'Next/Writer' }, false), { by: 'eve' });
    expect(await listChanges(target, 'Crash/Left')).toEqual([{ ...orphan, generation: left }]);
  });
});
