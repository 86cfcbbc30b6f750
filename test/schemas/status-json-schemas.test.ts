import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { JobStatus } from '../../shared/status/job-status.js';
import { statusJsonSchemas } from '../../shared/status/status-json-schemas.js';
import { createStatusValidator } from './create-status-validator.js';

const JOB = {
  schemaVersion: 1,
  repository: 'o/n',
  tag: 'v1',
  version: '1',
  state: 'published',
  attempt: 1,
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
  artifacts: [],
  history: [{ state: 'queued', at: '2024-01-01T00:00:00.000Z', attempt: 1 }],
};

const dir = join(import.meta.dirname, '..', '..', 'schemas');
// Formatted as `prettier --check .` wants them, so the lint and this test agree.
const serialize = async (schema: unknown) =>
  prettier.format(JSON.stringify(schema), {
    ...(await prettier.resolveConfig(join(dir, 'job-status.schema.json'))),
    parser: 'json',
  });

describe('JSON Schemas of the status documents', () => {
  // UPDATE_SCHEMAS=1 npx vitest run test/schemas writes them; otherwise stale files fail here.
  it.each(Object.entries(statusJsonSchemas()))(
    'schemas/%s is generated from the zod schema',
    async (file, schema) => {
      const expected = await serialize(schema);
      if (process.env['UPDATE_SCHEMAS']) await writeFile(join(dir, file), expected);
      const committed = await readFile(join(dir, file), 'utf8').catch(() => '');
      expect(committed, `schemas/${file} is stale: run UPDATE_SCHEMAS=1 npx vitest run test/schemas`).toBe(
        expected,
      );
    },
  );

  it('accepts a real job document and rejects a broken one', async () => {
    const validate = await createStatusValidator();
    const job = JOB;
    expect(validate('job-status', job)).toEqual([]);
    expect(validate('job-status', { ...job, state: 'done', updatedAt: 'yesterday' })).not.toEqual([]);
  });

  it('accepts warnings as the build records them, and only within their bounds', async () => {
    const validate = await createStatusValidator();
    const warning = {
      code: 'LONG_DESCRIPTION_MISSING',
      message: 'widgets-1.0.0.tar.gz has no long description: add readme = "README.md" to [project]',
      file: 'widgets-1.0.0.tar.gz',
    };
    const job = { ...JOB, warnings: [warning, { code: 'A_NEW_CODE_2', message: 'codes may grow' }] };
    expect(validate('job-status', job)).toEqual([]);
    expect(JobStatus.safeParse(job).success).toBe(true);
    for (const broken of [
      [{ ...warning, code: 'long_description_missing' }],
      [{ ...warning, message: 'x'.repeat(1001) }],
      [{ code: 'NO_MESSAGE' }],
      Array.from({ length: 21 }, () => warning),
    ]) {
      expect(validate('job-status', { ...JOB, warnings: broken })).not.toEqual([]);
      expect(JobStatus.safeParse({ ...JOB, warnings: broken }).success).toBe(false);
    }
    const index = {
      schemaVersion: 1,
      repository: 'o/n',
      updatedAt: JOB.updatedAt,
      jobs: [
        {
          tag: 'v1',
          version: '1',
          state: 'published',
          attempt: 1,
          updatedAt: JOB.updatedAt,
          warnings: 2,
          path: 'jobs/o/n/v1.json',
        },
      ],
    };
    expect(validate('repository-index', index)).toEqual([]);
  });
});
