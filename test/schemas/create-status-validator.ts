import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export const StatusDocument = [
  'job-status',
  'repository-index',
  'badge',
  'provenance-statement',
  'digest-record',
  'poll-state',
  'job-event',
] as const;
export type StatusDocument = (typeof StatusDocument)[number];

/** Validates documents against the committed files in `schemas/`; returns the errors, empty when valid. */
export async function createStatusValidator(): Promise<(kind: StatusDocument, data: unknown) => string[]> {
  const ajv = new Ajv2020.default({ allErrors: true, strict: true });
  addFormats.default(ajv);
  const dir = join(import.meta.dirname, '..', '..', 'schemas');
  const validators = new Map<StatusDocument, ReturnType<typeof ajv.compile>>();
  for (const kind of StatusDocument) {
    validators.set(kind, ajv.compile(JSON.parse(await readFile(join(dir, `${kind}.schema.json`), 'utf8'))));
  }
  return (kind, data) => {
    const validate = validators.get(kind);
    if (!validate) return [`no schema for ${kind}`];
    return validate(data)
      ? []
      : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
  };
}
