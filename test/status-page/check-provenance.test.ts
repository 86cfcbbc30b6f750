import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the status page is plain browser JavaScript without type declarations
import { checkProvenance } from '../../status-page/check-documents.js';

type Check = (value: unknown) => Record<string, string> | undefined;
const check = checkProvenance as Check;

describe('the status page reads a provenance statement', () => {
  it('takes the commit, source, registry and build times of the example statement', async () => {
    const example: unknown = JSON.parse(
      await readFile(
        join(import.meta.dirname, '../../schemas/examples/valid/provenance-statement.json'),
        'utf8',
      ),
    );
    expect(check(example)).toEqual({
      commit: '9b2e5c1f0d4a7e3b8c6f1a2d5e9b0c3f4a7d8e1b',
      source: 'https://github.com/octo-org/widgets.git',
      registry: 'https://europe-west1-python.pkg.dev/my-project/pkgrelay/',
      startedOn: '2026-12-01T12:02:55.101Z',
      finishedOn: '2026-12-01T12:03:41.412Z',
    });
  });

  it('drops what pkgrelay never writes, so a hostile statement cannot steer a link or a snippet', () => {
    const hostile = {
      predicate: {
        buildDefinition: {
          externalParameters: { source: 'javascript:alert(1)', registry: 'https://x/" onclick="y' },
          resolvedDependencies: [{ digest: { gitCommit: '../../evil' } }],
        },
        runDetails: { metadata: { startedOn: 5 } },
      },
    };
    expect(check(hostile)).toEqual({});
    expect(check(JSON.parse('{"__proto__": {"predicate": 1}}'))).toBeUndefined();
    expect(check('not a statement')).toBeUndefined();
  });
});
