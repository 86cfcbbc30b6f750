import type { Result } from '../contracts/result.js';

/** A stored JSON document with the generation that a compare-and-swap write names. */
export interface StoredDocument {
  data: unknown;
  generation: string;
  /** Set when the object is not JSON (`data` is then undefined): it exists, so it is never taken as absent. */
  problem?: string;
}

/**
 * Why a write was refused. `conflict`: the precondition failed (another writer came first).
 * `rate-limited`: Cloud Storage's 429, the object changed within its per-object interval; nothing
 * was written, so read again after the interval and never take it as "already exists".
 */
export type WriteRefusal = 'conflict' | 'rate-limited';

/** A precondition write's outcome: the new generation, or why nothing was written. */
export type WriteResult = Result<{ generation: string }, WriteRefusal>;

/** One object of a listing, with the custom metadata it was written with. */
export interface ListedDocument {
  name: string;
  generation: string;
  metadata?: Record<string, string>;
}

/** What a metadata-only read of an object returns: no content is downloaded. */
export interface DocumentStat {
  generation: string;
  metadata?: Record<string, string>;
}

/** JSON objects in the status bucket, written only with preconditions. */
export interface DocumentStore {
  /**
   * How soon one object name may be written again (Cloud Storage: about once a second, else 429);
   * writers of a shared object pace themselves by it. Absent: no such limit.
   */
  readonly sameObjectWriteIntervalMs?: number;
  read(path: string): Promise<StoredDocument | undefined>;
  /** The object's generation and custom metadata, without its content; undefined when absent. */
  stat(path: string): Promise<DocumentStat | undefined>;
  /** `ifGenerationMatch: '0'` creates only if absent; another generation is a compare-and-swap. */
  write(
    path: string,
    data: unknown,
    options: {
      ifGenerationMatch: string;
      cacheControl?: string;
      contentType?: string;
      /** Custom metadata written with the content in the same request, so it always describes this generation. */
      metadata?: Record<string, string>;
    },
  ): Promise<WriteResult>;
  /** Every object under `prefix` with its generation and custom metadata, in one listing (pages of 1000). */
  listDocuments(prefix: string): Promise<ListedDocument[]>;
}
