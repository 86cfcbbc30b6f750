import { Hono, type Context } from 'hono';
import type { StandInBuildService, ServiceResult } from './create-build-service.js';
import { sendGoogleError } from './send-google-error.js';
import { buildIdOfOperation, toOperation } from './to-operation.js';

/**
 * The REST routes `@google-cloud/cloudbuild` calls (fallback mode), in the `projects/P/builds` and the
 * `projects/P/locations/L/builds` forms, the operations it polls, and the text logs behind `logUrl`.
 */
export function createCloudBuildRoutes(service: StandInBuildService): Hono {
  const app = new Hono();
  const reply = <T>(
    c: Context,
    result: ServiceResult<T>,
    shape: (data: T) => unknown = (data) => data,
  ): Response =>
    result.success ? c.json(shape(result.data) as object) : sendGoogleError(c, result.code, result.error);

  const create = async (c: Context, projectId: string, location: string): Promise<Response> => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return sendGoogleError(c, 400, 'Invalid JSON payload received: the body is not JSON.');
    }
    return reply(c, await service.create(projectId, location, body), toOperation);
  };
  // With both projectId and parent set the client keeps the first URL form and adds `?parent=`.
  const locationFromParent = (c: Context): string =>
    /^projects\/[^/]+\/locations\/([^/]+)$/.exec(c.req.query('parent') ?? '')?.[1] ?? 'global';

  const list = (c: Context, projectId: string): Response => {
    const pageSize = Number(c.req.query('pageSize') ?? '0');
    const filter = c.req.query('filter');
    const pageToken = c.req.query('pageToken');
    return reply(
      c,
      service.list(projectId, {
        ...(filter === undefined ? {} : { filter }),
        ...(pageToken ? { pageToken } : {}),
        ...(Number.isFinite(pageSize) && pageSize > 0 ? { pageSize } : {}),
      }),
    );
  };
  // The id segment carries the custom method as `ID:cancel`.
  const action = async (c: Context, projectId: string, segment: string): Promise<Response> => {
    const [id = '', verb] = segment.split(':');
    if (verb === 'cancel') return reply(c, await service.cancel(projectId, id));
    return sendGoogleError(c, 404, `Method ${verb ?? '(none)'} is not served by the Cloud Build stand-in.`);
  };
  const operation = (
    c: Context,
    projectId: string,
    opId: string,
    cancel: boolean,
  ): Promise<Response> | Response => {
    const id = buildIdOfOperation(opId);
    if (!cancel) return reply(c, service.get(projectId, id), toOperation);
    return service.cancel(projectId, id).then((result) => reply(c, result, () => ({})));
  };

  app.post('/v1/projects/:p/builds', (c) => create(c, c.req.param('p'), locationFromParent(c)));
  app.post('/v1/projects/:p/locations/:l/builds', (c) => create(c, c.req.param('p'), c.req.param('l')));
  app.get('/v1/projects/:p/builds', (c) => list(c, c.req.param('p')));
  app.get('/v1/projects/:p/locations/:l/builds', (c) => list(c, c.req.param('p')));
  app.get('/v1/projects/:p/builds/:id', (c) => reply(c, service.get(c.req.param('p'), c.req.param('id'))));
  app.get('/v1/projects/:p/locations/:l/builds/:id', (c) =>
    reply(c, service.get(c.req.param('p'), c.req.param('id'))),
  );
  app.post('/v1/projects/:p/builds/:segment', (c) => action(c, c.req.param('p'), c.req.param('segment')));
  app.post('/v1/projects/:p/locations/:l/builds/:segment', (c) =>
    action(c, c.req.param('p'), c.req.param('segment')),
  );
  app.get('/v1/operations/build/:p/:op', (c) => operation(c, c.req.param('p'), c.req.param('op'), false));
  app.get('/v1/projects/:p/locations/:l/operations/:op', (c) =>
    operation(c, c.req.param('p'), c.req.param('op'), false),
  );
  app.post('/v1/operations/build/:p/:segment', (c) =>
    operation(c, c.req.param('p'), c.req.param('segment').replace(/:cancel$/, ''), true),
  );
  app.post('/v1/projects/:p/locations/:l/operations/:segment', (c) =>
    operation(c, c.req.param('p'), c.req.param('segment').replace(/:cancel$/, ''), true),
  );
  app.get('/logs/:id', async (c) => {
    const text = await service.readLog(c.req.param('id'));
    if (text === undefined) return c.text(`No build ${c.req.param('id')}.\n`, 404);
    return c.text(text);
  });
  app.notFound((c) =>
    sendGoogleError(c, 404, `${c.req.method} ${c.req.path} is not served by the Cloud Build stand-in.`),
  );
  app.onError((error, c) => sendGoogleError(c, 500, `The Cloud Build stand-in failed: ${error.message}`));
  return app;
}
