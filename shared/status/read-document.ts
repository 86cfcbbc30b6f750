import type { z } from 'zod';
import { UnreadableDocumentError } from '../errors.js';
import type { DocumentStore } from '../ports/document-store.js';
import { describeIssues } from './describe-issues.js';

/** The document at `path` read with `schema`, or undefined if absent. One that does not parse throws: it is evidence. */
export async function readDocument<T>(
  store: DocumentStore,
  path: string,
  schema: z.ZodType<T>,
): Promise<T | undefined> {
  const stored = await store.read(path);
  if (!stored) return undefined;
  const parsed = schema.safeParse(stored.data);
  if (!parsed.success)
    throw new UnreadableDocumentError(path, stored.problem ?? describeIssues(parsed.error));
  return parsed.data;
}
