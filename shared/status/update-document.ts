import type { z } from 'zod';
import { TransientError, UnreadableDocumentError } from '../errors.js';
import type { DocumentStore } from '../ports/document-store.js';
import { describeIssues } from './describe-issues.js';

export type Change<T> = { write: T } | { keep: true };

/**
 * Reads a document, asks `decide` what it should become, and writes it with compare-and-swap,
 * reading again whenever another writer got there first. Returns the value written or kept.
 * A stored document that fails `schema` is never taken as absent: it throws UnreadableDocumentError
 * and nothing is written. What is written is checked against the same schema first.
 */
export async function updateDocument<T>(
  store: DocumentStore,
  path: string,
  schema: z.ZodType<T>,
  decide: (current: T | undefined) => Change<T>,
  {
    attempts = 25,
    cacheControl,
    metadataOf,
  }: {
    attempts?: number;
    cacheControl?: string;
    /** Custom metadata to write with each new value, in the same request. */
    metadataOf?: (value: T) => Record<string, string>;
  } = {},
): Promise<{ value: T | undefined; changed: boolean }> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const stored = await store.read(path);
    let current: T | undefined;
    if (stored) {
      const parsed = schema.safeParse(stored.data);
      if (!parsed.success)
        throw new UnreadableDocumentError(path, stored.problem ?? describeIssues(parsed.error));
      current = parsed.data;
    }
    const change = decide(current);
    if ('keep' in change) return { value: current, changed: false };
    const checked = schema.safeParse(change.write);
    // A bug or a hostile build output must not put into the record what its readers would refuse.
    if (!checked.success) throw new Error(`Refused to write ${path}: it ${describeIssues(checked.error)}`);
    const result = await store.write(path, checked.data, {
      ifGenerationMatch: stored?.generation ?? '0',
      ...(cacheControl ? { cacheControl } : {}),
      ...(metadataOf ? { metadata: metadataOf(checked.data) } : {}),
    });
    if (result.written) return { value: checked.data, changed: true };
    // Jittered backoff: many writers of one index must not keep colliding in lockstep.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * Math.min(attempt + 1, 10)));
  }
  throw new TransientError(`Gave up updating ${path} after ${attempts} concurrent writers won`);
}
