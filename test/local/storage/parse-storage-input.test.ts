import { describe, expect, it } from 'vitest';
import {
  checkReadPreconditions,
  checkWritePreconditions,
} from '../../../local/storage/check-preconditions.js';
import { createGenerationClock } from '../../../local/storage/create-generation-clock.js';
import { listObjectPage } from '../../../local/storage/list-object-page.js';
import { parseByteRange } from '../../../local/storage/parse-byte-range.js';
import { isFinalChunk, parseContentRange } from '../../../local/storage/parse-content-range.js';
import { parseMultipartRelated, readBoundary } from '../../../local/storage/parse-multipart-related.js';
import type { ObjectRecord } from '../../../local/storage/storage-records.js';
import { objectEtag } from '../../../local/storage/to-resource.js';

describe('parseContentRange', () => {
  it.each([
    [undefined, { kind: 'chunk', first: 0 }, true],
    ['bytes */*', { kind: 'query' }, undefined],
    ['bytes */100', { kind: 'query', total: 100 }, undefined],
    ['bytes 0-99/*', { kind: 'chunk', first: 0, last: 99 }, false],
    ['bytes 100-199/200', { kind: 'chunk', first: 100, last: 199, total: 200 }, true],
    ['bytes 0-99/200', { kind: 'chunk', first: 0, last: 99, total: 200 }, false],
    ['bytes 0-*/*', { kind: 'chunk', first: 0 }, true],
    ['bytes 0-*/50', { kind: 'chunk', first: 0, total: 50 }, true],
    ['items 0-1/2', { kind: 'invalid' }, undefined],
  ])('%s', (header, expected, final) => {
    const range = parseContentRange(header);
    expect(range).toEqual(expected);
    if (range.kind === 'chunk') expect(isFinalChunk(range)).toBe(final);
  });
});

describe('parseByteRange', () => {
  it.each([
    [undefined, 10, { kind: 'whole' }],
    ['bytes=2-5', 10, { kind: 'part', start: 2, end: 5 }],
    ['bytes=2-', 10, { kind: 'part', start: 2, end: 9 }],
    ['bytes=5-100', 10, { kind: 'part', start: 5, end: 9 }],
    ['bytes=-3', 10, { kind: 'part', start: 7, end: 9 }],
    ['bytes=-30', 10, { kind: 'part', start: 0, end: 9 }],
    ['bytes=10-', 10, { kind: 'unsatisfiable' }],
    ['bytes=0-', 0, { kind: 'whole' }],
    ['bytes=0-1,4-5', 10, { kind: 'whole' }],
  ])('%s of %i bytes', (header, size, expected) => {
    expect(parseByteRange(header, size)).toEqual(expected);
  });
});

describe('parseMultipartRelated', () => {
  it('splits the body the client library sends (no CRLF after the closing delimiter)', () => {
    const body = Buffer.from(
      '--abc\r\nContent-Type: application/json\r\n\r\n{"name":"x"}\r\n' +
        '--abc\r\nContent-Type: text/plain\r\n\r\nline1\r\nline2\r\n--abc--',
    );
    const parts = parseMultipartRelated(body, 'abc');
    expect(parts.map((p) => [p.headers['content-type'], p.body.toString()])).toEqual([
      ['application/json', '{"name":"x"}'],
      ['text/plain', 'line1\r\nline2'],
    ]);
    expect(readBoundary('multipart/related; boundary="a b"')).toBe('a b');
    expect(readBoundary('multipart/form-data; boundary=x')).toBeUndefined();
  });
});

describe('preconditions', () => {
  const live = { generation: 5, metageneration: 2 };
  it.each([
    [undefined, { ifGenerationMatch: 0 }, true],
    [live, { ifGenerationMatch: 0 }, false],
    [live, { ifGenerationMatch: 5 }, true],
    [live, { ifGenerationMatch: 4 }, false],
    [live, { ifGenerationNotMatch: 5 }, false],
    [live, { ifGenerationNotMatch: 0 }, true],
    [undefined, { ifGenerationNotMatch: 0 }, false],
    [live, { ifMetagenerationMatch: 2 }, true],
    [undefined, { ifMetagenerationMatch: 1 }, false],
    [live, { ifMetagenerationNotMatch: 2 }, false],
    [live, { ifGenerationMatch: 5, ifMetagenerationMatch: 1 }, false],
  ])('write against %o with %o holds: %s', (current, conditions, holds) => {
    expect(checkWritePreconditions(current, conditions) === undefined).toBe(holds);
  });
  it('reads answer a failed NotMatch with notModified and a failed Match with 412', () => {
    expect(checkReadPreconditions(live, { ifGenerationNotMatch: 5 })).toBe('notModified');
    expect(checkReadPreconditions(live, { ifGenerationMatch: 4 })).toMatchObject({ code: 412 });
    expect(checkReadPreconditions(live, { ifMetagenerationMatch: 2 })).toBe('held');
  });
});

describe('generations and etags', () => {
  it('are microseconds, strictly increasing even when the clock stands still or goes back', () => {
    let now = 1_700_000_000_000;
    const clock = createGenerationClock(() => now);
    const a = clock.next();
    const b = clock.next();
    now -= 5;
    const c = clock.next();
    expect(a).toBe(1_700_000_000_000_000);
    expect([b - a, c - b]).toEqual([1, 1]);
    clock.observe(c + 1000);
    expect(clock.next()).toBe(c + 1001);
  });
  it('encodes the etag as Cloud Storage does', () => {
    // An etag Cloud Storage returned for generation 1680594142725727, metageneration 1.
    expect(objectEtag({ generation: 1680594142725727, metageneration: 1 })).toBe('CN+Mjofdj/4CEAE=');
  });
});

describe('listObjectPage', () => {
  const objects = ['a/1', 'a/2', 'b', 'c/x/1', 'c/y', 'd'].map((name) => ({ name }) as ObjectRecord);
  const walk = (query: Parameters<typeof listObjectPage>[1]) => {
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const page = listObjectPage(objects, { ...query, ...(token !== undefined && { pageToken: token }) });
      pages.push([...page.prefixes.map((p) => `${p}*`), ...page.items.map((i) => i.name)]);
      token = page.nextPageToken;
    } while (token !== undefined);
    return pages;
  };
  it.each([
    [{}, [['a/1', 'a/2', 'b', 'c/x/1', 'c/y', 'd']]],
    [
      { maxResults: 4 },
      [
        ['a/1', 'a/2', 'b', 'c/x/1'],
        ['c/y', 'd'],
      ],
    ],
    [{ delimiter: '/' }, [['a/*', 'c/*', 'b', 'd']]],
    [{ delimiter: '/', maxResults: 1 }, [['a/*'], ['b'], ['c/*'], ['d']]],
    [{ prefix: 'c/', delimiter: '/' }, [['c/x/*', 'c/y']]],
    [{ startOffset: 'a/2', endOffset: 'c/y' }, [['a/2', 'b', 'c/x/1']]],
  ])('%o', (query, pages) => {
    expect(walk(query)).toEqual(pages);
  });
});
