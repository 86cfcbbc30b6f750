import type { Delivery, DeliveryRefusal, ReadDelivery } from '../ports/event-source.js';
import type { Result } from '../contracts/result.js';
import { decodePayload } from './decode-payload.js';
import { githubDeliveryVerifier } from './github-delivery-verifier.js';
import { readReleaseEvent } from './read-release-event.js';

/** Reads a verified GitHub delivery: its X-GitHub-Event and X-GitHub-Delivery headers, then its payload. */
export function readGitHubDelivery(delivery: Delivery): Result<ReadDelivery, DeliveryRefusal> {
  const { event, deliveryId } = githubDeliveryVerifier.identify(delivery.headers);
  if (!event) return refuse(400, 'the X-GitHub-Event header is missing');
  if (!deliveryId) return refuse(400, 'the X-GitHub-Delivery header is missing');
  if (event.length > 100 || deliveryId.length > 200)
    return refuse(400, 'the X-GitHub-Event or X-GitHub-Delivery header is too long');
  const contentType = delivery.headers['content-type'];
  const payload = decodePayload(delivery.rawBody, contentType, delivery.body);
  if (!payload.success) return refuse(payload.unsupportedType ? 415 : 400, payload.error);
  const said = readReleaseEvent(event, payload.data);
  if (!said.success) return refuse(400, said.error);
  return { success: true, data: { deliveryId, event, said: said.data } };
}

function refuse(httpStatus: DeliveryRefusal['httpStatus'], reason: string): Result<never, DeliveryRefusal> {
  return { success: false, error: { httpStatus, reason } };
}
