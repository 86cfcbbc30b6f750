import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { Logger } from '../../shared/log/create-logger.js';
import { normalizeName, isValidName } from '../../shared/registry/normalize-name.js';
import { checkBasicAuth, type BasicCredentials } from './check-basic-auth.js';
import { checkUpload } from './check-upload.js';
import type { PackageStore, RepositoryKey } from './create-package-store.js';
import { negotiateSimpleFormat } from './negotiate-simple-format.js';
import { receiveUpload } from './receive-upload.js';
import { renderProjectList, renderProjectPage } from './render-simple-pages.js';

export interface RegistryAppOptions {
  store: PackageStore;
  logger: Logger;
  credentials?: BasicCredentials;
  clock?: () => Date;
  maxFileBytes?: number;
}

/** The body Artifact Registry sends with HTTP 400 for a file it already holds; twine's `--skip-existing` matches "already exist". */
export const ALREADY_EXISTS_MESSAGE = 'Requested entity already exists.\n';

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const SAFE_FILENAME = /^[A-Za-z0-9][A-Za-z0-9._+!-]*$/;
const BASE = '/:project/:repository';

/** The Hono app of the Artifact Registry Python stand-in: legacy upload, simple API, downloads. */
export function createRegistryApp({
  store,
  logger,
  credentials,
  clock = () => new Date(),
  maxFileBytes = 512 * 1024 * 1024,
}: RegistryAppOptions): Hono {
  const app = new Hono();

  app.use('*', async (c, next) => {
    const started = Date.now();
    await next();
    const fields = {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Date.now() - started,
    };
    logger.info('request', fields);
  });

  app.use('*', async (c, next) => {
    if (!credentials || c.req.path === '/healthz') return next();
    if (checkBasicAuth(c.req.header('authorization'), credentials)) return next();
    c.header('WWW-Authenticate', 'Basic realm="pkgrelay registry", charset="UTF-8"');
    return c.text('Unauthorized: this repository needs HTTP Basic credentials.\n', 401);
  });

  app.onError((error, c) => {
    logger.error('request failed', { method: c.req.method, path: c.req.path, error });
    return c.text('Internal error.\n', 500);
  });

  app.get('/healthz', (c) => c.text('ok\n'));

  const upload = async (c: Context): Promise<Response> => {
    const key = repositoryKey(c);
    if (!key) return c.notFound();
    if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')) {
      return c.text(
        'Expected a multipart/form-data upload (the legacy upload API that twine speaks).\n',
        400,
      );
    }
    const body = c.req.raw.body;
    if (!body) return c.text('The upload has no body.\n', 400);
    const staging = await store.createStaging();
    try {
      const received = await receiveUpload(
        Readable.fromWeb(body as NodeReadableStream<Uint8Array>),
        Object.fromEntries(c.req.raw.headers),
        join(staging, 'content'),
        { maxFileBytes },
      );
      const checked = received.success ? checkUpload(received.data, clock()) : received;
      if (!checked.success) {
        logger.warn('upload rejected', { ...key, reason: checked.error });
        return c.text(`${checked.error}\n`, 400);
      }
      const file = checked.data;
      if ((await store.commit(key, staging, file)) === 'exists') {
        logger.info('upload of an existing file refused', { ...key, filename: file.filename });
        return c.text(ALREADY_EXISTS_MESSAGE, 400);
      }
      logger.info('file uploaded', { ...key, filename: file.filename, sha256: file.sha256, size: file.size });
      return c.text('OK\n', 200);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  };
  app.post(`${BASE}/`, upload);
  app.post(BASE, upload);

  app.get(`${BASE}/simple`, (c) => c.redirect(`${c.req.path}/`, 301));
  app.get(`${BASE}/simple/`, async (c) => {
    const key = repositoryKey(c);
    if (!key) return c.notFound();
    const format = negotiateSimpleFormat(c.req.header('accept'));
    c.header('Vary', 'Accept');
    if (!format) return c.text('Not Acceptable: ask for a PEP 691 JSON or HTML simple page.\n', 406);
    c.header('Content-Type', format.contentType);
    return c.body(renderProjectList(format.kind, await store.listProjects(key)));
  });

  const projectPage = async (c: Context): Promise<Response> => {
    const key = repositoryKey(c);
    const requested = c.req.param('name') ?? '';
    if (!key || !isValidName(requested)) return c.notFound();
    const normalized = normalizeName(requested);
    // PEP 503: a non-normalized name (or a missing slash) is redirected to the normalized URL.
    if (normalized !== requested || !c.req.path.endsWith('/')) {
      return c.redirect(`/${key.project}/${key.repository}/simple/${normalized}/`, 301);
    }
    const files = await store.listFiles(key, normalized);
    if (!files) return c.text(`Project "${normalized}" not found in this repository.\n`, 404);
    const format = negotiateSimpleFormat(c.req.header('accept'));
    c.header('Vary', 'Accept');
    if (!format) return c.text('Not Acceptable: ask for a PEP 691 JSON or HTML simple page.\n', 406);
    c.header('Content-Type', format.contentType);
    return c.body(renderProjectPage(format.kind, normalized, files));
  };
  app.get(`${BASE}/simple/:name/`, projectPage);
  app.get(`${BASE}/simple/:name`, projectPage);

  app.get(`${BASE}/files/:name/:filename`, async (c) => {
    const key = repositoryKey(c);
    const name = c.req.param('name');
    const filename = c.req.param('filename');
    if (!key || !isValidName(name) || normalizeName(name) !== name || !SAFE_FILENAME.test(filename)) {
      return c.notFound();
    }
    const path = store.contentPath(key, name, filename);
    const file = await fileStat(path);
    if (file === undefined) return c.notFound();
    return new Response(Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>, {
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(file.size),
        // A stored file never changes, so its size and time name it: pip's HTTP cache keeps what has a validator.
        ETag: `"${file.size.toString(16)}-${Math.trunc(file.mtimeMs).toString(16)}"`,
      },
    });
  });

  return app;
}

function repositoryKey(c: Context): RepositoryKey | undefined {
  const project = c.req.param('project') ?? '';
  const repository = c.req.param('repository') ?? '';
  return SEGMENT.test(project) && SEGMENT.test(repository) ? { project, repository } : undefined;
}

async function fileStat(path: string): Promise<{ size: number; mtimeMs: number } | undefined> {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}
