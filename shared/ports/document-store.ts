/** A stored JSON document with the generation that a compare-and-swap write names. */
export interface StoredDocument {
  data: unknown;
  generation: string;
  /** Set when the object is not JSON (`data` is then undefined): it exists, so it is never taken as absent. */
  problem?: string;
}

export type WriteResult = { written: true; generation: string } | { written: false; reason: 'conflict' };

/** JSON objects in the status bucket, written only with preconditions. */
export interface DocumentStore {
  read(path: string): Promise<StoredDocument | undefined>;
  /** `ifGenerationMatch: '0'` creates only if absent; another generation is a compare-and-swap. */
  write(
    path: string,
    data: unknown,
    options: { ifGenerationMatch: string; cacheControl?: string; contentType?: string },
  ): Promise<WriteResult>;
  list(prefix: string): Promise<string[]>;
}
