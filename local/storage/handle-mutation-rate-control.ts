import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { MutationLimiter } from './create-mutation-limiter.js';
import { invalidRequest } from './create-storage-error.js';
import { readJsonObject } from './read-request-body.js';
import { sendError, sendJson } from './send-response.js';

const RateRequest = z.object({ perSecond: z.number().positive(), burst: z.int().min(1).optional() });

/** `/_pkgrelay/mutation-rate`: GET shows the rate and counts, POST `{perSecond, burst?}` sets it, DELETE turns it off. */
export async function handleMutationRateControl(
  mutations: MutationLimiter,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method === 'DELETE') {
    mutations.configure('off');
  } else if (req.method === 'POST') {
    const body = await readJsonObject(req);
    if (!body.success) return sendError(res, invalidRequest(`Invalid mutation rate: ${body.error}`));
    const parsed = RateRequest.safeParse(body.data);
    if (!parsed.success) {
      return sendError(res, invalidRequest(`Invalid mutation rate: ${z.prettifyError(parsed.error)}`));
    }
    const { perSecond, burst } = parsed.data;
    mutations.configure({ perSecond, ...(burst !== undefined && { burst }) });
  } else if (req.method !== 'GET') {
    sendError(res, { code: 405, message: 'Use GET, POST or DELETE.', reason: 'methodNotAllowed' });
    return;
  }
  sendJson(res, 200, mutations.settings());
}
