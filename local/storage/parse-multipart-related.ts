export interface RelatedPart {
  headers: Record<string, string>;
  body: Buffer;
}

/** The boundary of a `multipart/related; boundary=...` content type, or undefined for any other type. */
export function readBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/related\b/i.test(contentType)) return undefined;
  const match = contentType.match(/boundary=(?:"([^"]+)"|([^;\s]+))/i);
  return match?.[1] ?? match?.[2];
}

/** Splits a `multipart/related` body (RFC 2387) into its parts; the JSON API sends metadata, then media. */
export function parseMultipartRelated(body: Buffer, boundary: string): RelatedPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: RelatedPart[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    let start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    start = skipLineBreak(body, start);
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), start);
    if (next < 0) break;
    parts.push(parsePart(body.subarray(start, next)));
    at = next + 2;
  }
  return parts;
}

function skipLineBreak(body: Buffer, at: number): number {
  if (body[at] === 0x0d && body[at + 1] === 0x0a) return at + 2;
  return body[at] === 0x0a ? at + 1 : at;
}

function parsePart(raw: Buffer): RelatedPart {
  // A part may have no headers at all: then its body starts right after an empty line.
  if (raw.subarray(0, 2).toString() === '\r\n') return { headers: {}, body: raw.subarray(2) };
  const end = raw.indexOf('\r\n\r\n');
  const head = end < 0 ? '' : raw.subarray(0, end).toString('latin1');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: end < 0 ? raw : raw.subarray(end + 4) };
}
