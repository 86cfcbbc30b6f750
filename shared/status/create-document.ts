import { TransientError } from '../errors.js';
import type { DocumentStore } from '../ports/document-store.js';
import { waitOutRateLimit } from './wait-out-rate-limit.js';

/** `exists`: another writer created the object first (a redelivery's record stays the first one). */
export type CreateOutcome = 'created' | 'exists';

/**
 * Writes `data` at `path` only if no object is there (`ifGenerationMatch: '0'`). A write refused for
 * the per-object rate wrote nothing, so it is tried again after the store's interval, where the
 * object is then either created or found to exist; past `attempts` it throws TransientError, so the
 * caller's message is redelivered rather than acknowledged without its record. Store errors propagate.
 */
export async function createDocument(
  store: DocumentStore,
  path: string,
  data: unknown,
  { attempts = 5 }: { attempts?: number } = {},
): Promise<CreateOutcome> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const result = await store.write(path, data, { ifGenerationMatch: '0' });
    if (result.success) return 'created';
    if (result.error === 'conflict') return 'exists';
    await waitOutRateLimit(store);
  }
  throw new TransientError(`Unable to create ${path}`, `refused for the write rate ${attempts} times`);
}
