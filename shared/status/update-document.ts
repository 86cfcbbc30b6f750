import type { z } from 'zod';
import { TransientError } from '../errors.js';
import type { DocumentStore } from '../ports/document-store.js';

export type Change<T> = { write: T } | { keep: true };

/**
 * Reads a document, asks `decide` what it should become, and writes it with compare-and-swap,
 * reading again whenever another writer got there first. Returns the value written or kept.
 */
export async function updateDocument<T>(
  store: DocumentStore,
  path: string,
  schema: z.ZodType<T>,
  decide: (current: T | undefined) => Change<T>,
  { attempts = 25, cacheControl }: { attempts?: number; cacheControl?: string } = {},
): Promise<{ value: T | undefined; changed: boolean }> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const stored = await store.read(path);
    let current: T | undefined;
    if (stored) {
      const parsed = schema.safeParse(stored.data);
      // A document we cannot read is replaced rather than wedging every later update.
      current = parsed.success ? parsed.data : undefined;
    }
    const change = decide(current);
    if ('keep' in change) return { value: current, changed: false };
    const result = await store.write(path, change.write, {
      ifGenerationMatch: stored?.generation ?? '0',
      ...(cacheControl ? { cacheControl } : {}),
    });
    if (result.written) return { value: change.write, changed: true };
    // Jittered backoff: many writers of one index must not keep colliding in lockstep.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * Math.min(attempt + 1, 10)));
  }
  throw new TransientError(`Gave up updating ${path} after ${attempts} concurrent writers won`);
}
