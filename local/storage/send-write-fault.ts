import { backendError, preconditionFailed } from './create-storage-error.js';
import { drainRequest } from './read-request-body.js';
import { sendError } from './send-response.js';
import type { StorageCall, StorageContext } from './storage-context.js';

/** Fails this write if the fault switch says so, answering as Cloud Storage would; true when it did. */
export function sendWriteFault(context: StorageContext, call: StorageCall): boolean {
  const status = context.faults.drawWriteFault();
  if (status === undefined) return false;
  context.logger.warn('injected write fault', {
    status,
    method: call.req.method,
    bucket: call.bucket,
    object: call.object ?? call.query.get('name'),
  });
  drainRequest(call.req);
  sendError(call.res, status === 412 ? preconditionFailed() : backendError());
  return true;
}
