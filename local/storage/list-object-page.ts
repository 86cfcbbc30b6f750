import { compareObjectNames } from './compare-object-names.js';
import type { ObjectRecord } from './storage-records.js';

export interface ListQuery {
  prefix?: string;
  delimiter?: string;
  startOffset?: string;
  endOffset?: string;
  maxResults?: number;
  pageToken?: string;
  includeTrailingDelimiter?: boolean;
}

export interface ObjectPage {
  items: ObjectRecord[];
  prefixes: string[];
  nextPageToken?: string;
}

/** Cloud Storage's default and largest page: items and prefixes together. */
export const MaxPageSize = 1000;

interface PageCursor {
  /** The last name or prefix the previous page returned. */
  after: string;
  /** Whether `after` was a prefix: then every name under it was already summarized. */
  prefix: boolean;
}

/**
 * One page of a listing over `objects` (sorted by name), with `delimiter` folding names into `prefixes` as the
 * JSON API does. Items and prefixes both count towards `maxResults`; the token resumes after the last entry.
 */
export function listObjectPage(objects: readonly ObjectRecord[], query: ListQuery): ObjectPage {
  const { prefix = '', delimiter, startOffset, endOffset } = query;
  const limit = Math.min(Math.max(query.maxResults ?? MaxPageSize, 1), MaxPageSize);
  const cursor = query.pageToken ? decodeToken(query.pageToken) : undefined;
  const items: ObjectRecord[] = [];
  const prefixes: string[] = [];
  let count = 0;
  let last: PageCursor | undefined;
  let hasMore = false;

  for (const record of objects) {
    const name = record.name;
    if (!name.startsWith(prefix)) continue;
    if (startOffset !== undefined && compareObjectNames(name, startOffset) < 0) continue;
    if (endOffset !== undefined && compareObjectNames(name, endOffset) >= 0) continue;
    if (
      cursor &&
      (compareObjectNames(name, cursor.after) <= 0 || (cursor.prefix && name.startsWith(cursor.after)))
    ) {
      continue;
    }
    const cut = delimiter ? name.indexOf(delimiter, prefix.length) : -1;
    const folded = delimiter && cut >= 0 ? name.slice(0, cut + delimiter.length) : undefined;
    if (folded !== undefined && last?.prefix && last.after === folded) {
      // Names ending at the delimiter are listed as items too when the caller asks for it.
      if (query.includeTrailingDelimiter && name === folded) items.push(record);
      continue;
    }
    if (count === limit) {
      hasMore = true;
      break;
    }
    count += 1;
    if (folded !== undefined) {
      prefixes.push(folded);
      if (query.includeTrailingDelimiter && name === folded) items.push(record);
      last = { after: folded, prefix: true };
    } else {
      items.push(record);
      last = { after: name, prefix: false };
    }
  }
  return {
    items,
    prefixes,
    ...(hasMore && last && { nextPageToken: encodeToken(last) }),
  };
}

function encodeToken(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeToken(token: string): PageCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { after, prefix } = value as Record<string, unknown>;
    return typeof after === 'string' && typeof prefix === 'boolean' ? { after, prefix } : undefined;
  } catch {
    return undefined;
  }
}
