import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProvenanceStatement } from '../../shared/provenance/provenance-statement.js';
import { createStatusValidator } from './create-status-validator.js';

describe('schemas/examples/provenance-statement.json', () => {
  it('is a statement as pkgrelay writes and readers check it, and a broken one is refused', async () => {
    const example: unknown = JSON.parse(
      await readFile(join(import.meta.dirname, '../../schemas/examples/provenance-statement.json'), 'utf8'),
    );
    const validate = await createStatusValidator();
    expect(validate('provenance-statement', example)).toEqual([]);
    expect(ProvenanceStatement.safeParse(example).success).toBe(true);
    expect(validate('provenance-statement', { ...(example as object), subject: [] })).not.toEqual([]);
    expect(validate('provenance-statement', { ...(example as object), predicateType: 'x' })).not.toEqual([]);
  });
});
