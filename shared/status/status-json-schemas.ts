import { z } from 'zod';
import { JobEvent } from '../events/job-event.js';
import { JobStatus } from './job-status.js';
import { DigestRecord, ProvenanceStatement } from '../provenance/provenance-statement.js';
import { PollState } from './poll-state.js';
import { Badge, RepositoryIndex } from './repository-index.js';

const BASE = 'https://github.com/pkgrelay/pkgrelay/blob/main/schemas/';

/** The JSON Schema (draft 2020-12) of each document pkgrelay writes for readers, by file name in `schemas/`. */
export function statusJsonSchemas(): Record<string, Record<string, unknown>> {
  const describe = (file: string, title: string, schema: z.ZodType): Record<string, unknown> => ({
    ...z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output' }),
    $id: `${BASE}${file}`,
    title,
  });
  return {
    'job-status.schema.json': describe(
      'job-status.schema.json',
      'pkgrelay job status (jobs/<repository>/<tag>.json)',
      JobStatus,
    ),
    'repository-index.schema.json': describe(
      'repository-index.schema.json',
      'pkgrelay repository index (repos/<repository>/index.json)',
      RepositoryIndex,
    ),
    'job-event.schema.json': describe(
      'job-event.schema.json',
      'pkgrelay job event (one message on topic pkgrelay-job-events)',
      JobEvent,
    ),
    'badge.schema.json': describe(
      'badge.schema.json',
      'shields.io endpoint badge (repos/<repository>/badge.json)',
      Badge,
    ),
    'provenance-statement.schema.json': describe(
      'provenance-statement.schema.json',
      'pkgrelay provenance: in-toto Statement v1, SLSA provenance v1 (provenance/<repository>/<tag>.json)',
      ProvenanceStatement,
    ),
    'digest-record.schema.json': describe(
      'digest-record.schema.json',
      'pkgrelay digest record: a published file back to its job (digests/sha256/<hex>.json)',
      DigestRecord,
    ),
    'poll-state.schema.json': describe(
      'poll-state.schema.json',
      'pkgrelay poll state of an upstream (repos/<repository>/poll.json)',
      PollState,
    ),
  };
}
