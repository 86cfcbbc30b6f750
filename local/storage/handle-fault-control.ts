import { z } from 'zod';
import { FaultStatuses } from './create-fault-injector.js';
import type { FaultInjector } from './create-fault-injector.js';
import { invalidRequest } from './create-storage-error.js';
import { readJsonObject } from './read-request-body.js';
import { sendError, sendJson } from './send-response.js';
import type { IncomingMessage, ServerResponse } from 'node:http';

const FaultRequest = z.object({
  writeFailureRate: z.number().min(0).max(1),
  statuses: z
    .array(z.union(FaultStatuses.map((s) => z.literal(s))))
    .min(1)
    .optional(),
  seed: z.int().optional(),
});

/** `/_pkgrelay/faults`: GET shows the fault settings, POST `{writeFailureRate, statuses?, seed?}` replaces them, DELETE turns faults off. */
export async function handleFaultControl(
  faults: FaultInjector,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method === 'DELETE') {
    faults.configure(undefined);
  } else if (req.method === 'POST') {
    const body = await readJsonObject(req);
    if (!body.success) return sendError(res, invalidRequest(`Invalid fault settings: ${body.error}`));
    const parsed = FaultRequest.safeParse(body.data);
    if (!parsed.success) {
      return sendError(res, invalidRequest(`Invalid fault settings: ${z.prettifyError(parsed.error)}`));
    }
    const { writeFailureRate, statuses, seed } = parsed.data;
    faults.configure({
      writeFailureRate,
      ...(statuses !== undefined && { statuses }),
      ...(seed !== undefined && { seed }),
    });
  } else if (req.method !== 'GET') {
    sendError(res, { code: 405, message: 'Use GET, POST or DELETE.', reason: 'methodNotAllowed' });
    return;
  }
  sendJson(res, 200, faults.settings());
}
