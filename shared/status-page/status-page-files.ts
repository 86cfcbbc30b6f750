import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The page's source files (under `status-page/`) and the object each becomes in the status bucket. */
export const StatusPageFiles = [
  { source: 'index.html', object: 'index.html', contentType: 'text/html; charset=utf-8' },
  { source: 'status-page.css', object: 'status/status-page.css', contentType: 'text/css; charset=utf-8' },
  {
    source: 'status-page.js',
    object: 'status/status-page.js',
    contentType: 'text/javascript; charset=utf-8',
  },
  {
    source: 'load-status.js',
    object: 'status/load-status.js',
    contentType: 'text/javascript; charset=utf-8',
  },
  {
    source: 'render-status.js',
    object: 'status/render-status.js',
    contentType: 'text/javascript; charset=utf-8',
  },
  {
    source: 'render-badge.js',
    object: 'status/render-badge.js',
    contentType: 'text/javascript; charset=utf-8',
  },
  {
    source: 'check-documents.js',
    object: 'status/check-documents.js',
    contentType: 'text/javascript; charset=utf-8',
  },
  {
    source: 'create-element.js',
    object: 'status/create-element.js',
    contentType: 'text/javascript; charset=utf-8',
  },
  {
    source: 'install-snippets.js',
    object: 'status/install-snippets.js',
    contentType: 'text/javascript; charset=utf-8',
  },
  {
    source: 'render-install.js',
    object: 'status/render-install.js',
    contentType: 'text/javascript; charset=utf-8',
  },
  {
    source: 'format-values.js',
    object: 'status/format-values.js',
    contentType: 'text/javascript; charset=utf-8',
  },
] as const;

/** The object path of the page itself, for links such as stack.json's `statusPage.url`. */
export const StatusPageObject = 'index.html';

export interface StatusPageObjectFile {
  object: string;
  contentType: string;
  cacheControl: string;
  body: Buffer;
}

export interface StatusPageSettings {
  /** The bucket the page reads; written into the page so it also works behind a custom domain. */
  bucket: string;
  /** Base of the JSON API for listing; empty means `<page origin>/storage/v1`, right for storage.googleapis.com. */
  apiBase?: string;
  /** The index consumers install from (`…/simple/`); empty: each version's registry, from its provenance. */
  indexUrl?: string;
  /** Short so a redeploy shows within a minute; the page is small. */
  cacheControl?: string;
}

/** Reads the page from `sourceDir` and fills in its settings, ready to upload. */
export async function readStatusPageFiles(
  sourceDir: string,
  { bucket, apiBase = '', indexUrl = '', cacheControl = 'public, max-age=60' }: StatusPageSettings,
): Promise<StatusPageObjectFile[]> {
  return Promise.all(
    StatusPageFiles.map(async ({ source, object, contentType }) => {
      let body = await readFile(join(sourceDir, source));
      if (source === 'index.html') {
        body = Buffer.from(
          body
            .toString('utf8')
            .replace('content="{{bucket}}"', `content="${escapeAttribute(bucket)}"`)
            .replace('content="{{apiBase}}"', `content="${escapeAttribute(apiBase)}"`)
            .replace('content="{{indexUrl}}"', `content="${escapeAttribute(indexUrl)}"`),
        );
      }
      return { object, contentType, cacheControl, body };
    }),
  );
}

function escapeAttribute(text: string): string {
  return text.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}
