import { bucketNotFound, invalidRequest } from './create-storage-error.js';
import { listObjectPage } from './list-object-page.js';
import type { ListQuery } from './list-object-page.js';
import { sendError, sendJson } from './send-response.js';
import type { StorageCall, StorageContext } from './storage-context.js';
import { toObjectResource } from './to-resource.js';

/** `GET .../b/{bucket}/o`: one page of objects, with `prefix`, `delimiter`, `startOffset`/`endOffset` and paging. */
export async function handleObjectList(context: StorageContext, call: StorageCall): Promise<void> {
  const { res, query, bucket } = call;
  if (!context.store.getBucket(bucket)) return sendError(res, bucketNotFound());
  const maxResults = query.get('maxResults');
  if (maxResults !== null && !/^\d+$/.test(maxResults)) {
    return sendError(res, invalidRequest(`Invalid argument for maxResults: ${maxResults}`));
  }
  const list: ListQuery = {};
  for (const key of ['prefix', 'delimiter', 'startOffset', 'endOffset', 'pageToken'] as const) {
    const value = query.get(key);
    if (value !== null && value !== '') list[key] = value;
  }
  if (maxResults !== null) list.maxResults = Number(maxResults);
  if (query.get('includeTrailingDelimiter') === 'true') list.includeTrailingDelimiter = true;
  const page = listObjectPage(context.store.listObjects(bucket), list);
  // Like Cloud Storage, leave out empty `items` and `prefixes` rather than sending empty arrays.
  sendJson(res, 200, {
    kind: 'storage#objects',
    ...(page.nextPageToken !== undefined && { nextPageToken: page.nextPageToken }),
    ...(page.prefixes.length > 0 && { prefixes: page.prefixes }),
    ...(page.items.length > 0 && { items: page.items.map((r) => toObjectResource(r, call.origin)) }),
  });
}
