import { describe, expect, it } from 'vitest';
import { createRepositoryCatalog } from '../../../shared/config/create-repository-catalog.js';
import { parseRepositories } from '../../../shared/config/parse-repositories.js';
import { ConfigError } from '../../../shared/errors.js';
import { createLogger } from '../../../shared/log/create-logger.js';
import type { CatalogSource } from '../../../shared/ports/catalog-source.js';

const URL = 'gs://pkgrelay-config/repositories.json';
const doc = (...names: string[]) =>
  JSON.stringify({ repositories: names.map((repository) => ({ repository })) });
const BAD = JSON.stringify({
  repositories: [{ repository: 'Acme/Good' }, { repository: 'Acme/Bad', tagPattern: '(?=x)' }],
});

// An in-memory stored document with a generation, counting the requests a refresh makes.
function memorySource(text: string | undefined) {
  const state = { text, generation: 1, checks: 0, reads: 0, fail: false };
  const source: CatalogSource = {
    url: URL,
    async generation() {
      state.checks++;
      if (state.fail) throw new Error('storage is down');
      return state.text === undefined ? undefined : String(state.generation);
    },
    async read() {
      state.reads++;
      if (state.fail) throw new Error('storage is down');
      return state.text === undefined
        ? undefined
        : { text: state.text, generation: String(state.generation) };
    },
  };
  const store = (next: string) => {
    state.text = next;
    state.generation++;
  };
  return { source, state, store };
}

function setup(text: string | undefined = doc('Acme/One')) {
  const memory = memorySource(text);
  let time = 0;
  const logs: Array<Record<string, unknown>> = [];
  const catalog = createRepositoryCatalog({
    source: memory.source,
    logger: createLogger({ write: (line) => logs.push(JSON.parse(line) as Record<string, unknown>) }),
    refreshMs: 30_000,
    now: () => time,
  });
  const names = async (freshness?: { maxAgeMs: number }) =>
    (await catalog(freshness)).map((r) => r.repository);
  return { ...memory, names, logs, advance: (ms: number) => (time += ms) };
}

describe('createRepositoryCatalog', () => {
  it('serves from its cache until the refresh period ends, then reads only a changed document', async () => {
    const { names, state, store, advance } = setup();
    expect(await names()).toEqual(['Acme/One']);
    advance(29_999);
    store(doc('Acme/One', 'Acme/Two'));
    expect(await names()).toEqual(['Acme/One']);
    expect(state).toMatchObject({ checks: 1, reads: 1 });
    advance(1);
    expect(await names()).toEqual(['Acme/One', 'Acme/Two']);
    advance(30_000);
    expect(await names()).toEqual(['Acme/One', 'Acme/Two']);
    // The unchanged generation costs a check, not a read.
    expect(state).toMatchObject({ checks: 3, reads: 2 });
  });

  it('looks again at once when asked for a list no older than maxAgeMs', async () => {
    const { names, store, advance } = setup();
    await names();
    store(doc('Acme/One', 'Acme/New'));
    advance(10);
    expect(await names({ maxAgeMs: 5_000 })).toEqual(['Acme/One']);
    expect(await names({ maxAgeMs: 0 })).toEqual(['Acme/One', 'Acme/New']);
  });

  it('shares one refresh among concurrent callers', async () => {
    const { names, state } = setup();
    const lists = await Promise.all(Array.from({ length: 20 }, () => names()));
    expect(lists.every((list) => list.join() === 'Acme/One')).toBe(true);
    expect(state).toMatchObject({ checks: 1, reads: 1 });
  });

  it('keeps serving the last good list when the stored document fails validation, and says why once', async () => {
    const { names, store, advance, logs } = setup();
    await names();
    store(BAD);
    advance(30_000);
    expect(await names()).toEqual(['Acme/One']);
    advance(30_000);
    expect(await names()).toEqual(['Acme/One']);
    const errors = logs.filter((line) => line['severity'] === 'ERROR');
    expect(errors).toHaveLength(1);
    // The same messages readRepositories gives for that text.
    const expected = (() => {
      try {
        parseRepositories(BAD, URL);
        return [];
      } catch (error) {
        return (error as ConfigError).issues;
      }
    })();
    expect(expected?.[0]).toMatch(/repositories\[1\] \(Acme\/Bad\)\.tagPattern: /);
    expect(errors[0]).toMatchObject({ catalog: URL, servedGeneration: '1', issues: expected });
    store(doc('Acme/One', 'Acme/Fixed'));
    advance(30_000);
    expect(await names()).toEqual(['Acme/One', 'Acme/Fixed']);
  });

  it('keeps serving the last good list while storage fails', async () => {
    const { names, state, advance, logs } = setup();
    await names();
    state.fail = true;
    advance(30_000);
    expect(await names()).toEqual(['Acme/One']);
    expect(logs.at(-1)).toMatchObject({ severity: 'ERROR', error: { message: 'storage is down' } });
  });

  it('throws the ConfigError a bad document gives when it has no good list yet', async () => {
    const { names } = setup(BAD);
    await expect(names()).rejects.toThrow(ConfigError);
    await expect(names()).rejects.toThrow(
      /Invalid configuration in gs:\/\/pkgrelay-config\/repositories\.json/,
    );
  });

  it('names a missing document and how to create it', async () => {
    const { names, state } = setup();
    state.text = undefined;
    await expect(names()).rejects.toThrow(
      /does not exist: add a repository with `pkgrelay repositories add`/,
    );
  });
});
