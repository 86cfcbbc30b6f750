import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ZodType } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { DigestRecord, ProvenanceStatement } from '../../shared/provenance/provenance-statement.js';
import { JobEvent } from '../../shared/events/job-event.js';
import { JobStatus } from '../../shared/status/job-status.js';
import { PollState } from '../../shared/status/poll-state.js';
import { Badge, RepositoryIndex } from '../../shared/status/repository-index.js';
import { createStatusValidator, type StatusDocument } from './create-status-validator.js';

// Documents written by hand, not by the code: the published contract, checked on its own terms.
const examples = join(import.meta.dirname, '..', '..', 'schemas', 'examples');
const schemas = join(import.meta.dirname, '..', '..', 'schemas');

const READERS: Record<StatusDocument, ZodType> = {
  'job-status': JobStatus,
  'repository-index': RepositoryIndex,
  badge: Badge,
  'provenance-statement': ProvenanceStatement,
  'digest-record': DigestRecord,
  'poll-state': PollState,
  'job-event': JobEvent,
};

interface Example {
  file: string;
  kind: StatusDocument;
  data: { schemaVersion?: unknown };
}

function load(folder: 'valid' | 'invalid'): Example[] {
  return readdirSync(join(examples, folder))
    .filter((file) => file.endsWith('.json'))
    .map((file) => {
      const kind = Object.keys(READERS).find((name) => file.split('.')[0] === name) as StatusDocument;
      const data = JSON.parse(readFileSync(join(examples, folder, file), 'utf8')) as Example['data'];
      return { file, kind, data };
    });
}

/** The schemaVersion the committed schema of a kind accepts now. */
function currentVersion(kind: StatusDocument): unknown {
  const schema = JSON.parse(readFileSync(join(schemas, `${kind}.schema.json`), 'utf8')) as {
    properties: { schemaVersion?: { const?: unknown } };
  };
  // An in-toto statement has no schemaVersion: its _type and predicateType say what it is.
  return schema.properties.schemaVersion?.const;
}

describe('hand-written example documents against the committed schemas', () => {
  const valid = load('valid');
  const invalid = load('invalid');
  let validate: Awaited<ReturnType<typeof createStatusValidator>>;
  beforeAll(async () => {
    validate = await createStatusValidator();
  });

  it('has a valid example of every document kind, and every example names its kind', () => {
    expect([...new Set(valid.map((example) => example.kind))].sort()).toEqual(Object.keys(READERS).sort());
    for (const example of [...valid, ...invalid]) expect(example.kind, example.file).toBeDefined();
  });

  // A schema may stop accepting an old document only by moving to a new schemaVersion: an example of
  // the current version that fails means the change breaks documents already in buckets.
  it.each(valid.map((example) => [example.file, example] as const))(
    'accepts %s while its schemaVersion is current, in the schema and in the readers',
    (_file, example) => {
      if (example.data.schemaVersion !== currentVersion(example.kind)) return;
      expect(validate(example.kind, example.data)).toEqual([]);
      expect(READERS[example.kind].safeParse(example.data).success).toBe(true);
    },
  );

  it.each(invalid.map((example) => [example.file, example] as const))(
    'refuses %s in the schema and in the readers',
    (_file, example) => {
      expect(validate(example.kind, example.data)).not.toEqual([]);
      expect(READERS[example.kind].safeParse(example.data).success).toBe(false);
    },
  );
});
