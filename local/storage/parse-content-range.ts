/** What a PUT to a resumable session says about its body, from its `Content-Range` header. */
export type UploadRange =
  // A status query (`bytes *\/total` or `bytes *\/*`), with no body.
  | { kind: 'query'; total?: number }
  // `bytes first-last/total`, `bytes first-*\/total` (all that is left), or no header (the whole object).
  | { kind: 'chunk'; first: number; last?: number; total?: number }
  | { kind: 'invalid' };

/** Reads the `Content-Range` of a resumable upload request, as the JSON API defines it. */
export function parseContentRange(header: string | undefined): UploadRange {
  if (header === undefined) return { kind: 'chunk', first: 0 };
  const match = header.trim().match(/^bytes\s+(?:\*|(\d+)-(\d+|\*))\/(\d+|\*)$/);
  if (!match) return { kind: 'invalid' };
  const [, first, last, total] = match;
  const totalBytes = total === '*' || total === undefined ? {} : { total: Number(total) };
  if (first === undefined) return { kind: 'query', ...totalBytes };
  return {
    kind: 'chunk',
    first: Number(first),
    ...(last !== undefined && last !== '*' && { last: Number(last) }),
    ...totalBytes,
  };
}

/** Whether this chunk ends the upload: it reaches a known total, or runs to the end (`first-` then an asterisk). */
export function isFinalChunk(range: { first: number; last?: number; total?: number }): boolean {
  if (range.last === undefined) return true;
  return range.total !== undefined && range.last + 1 >= range.total;
}
