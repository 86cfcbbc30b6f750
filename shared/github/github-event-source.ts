import type { EventSource } from '../ports/event-source.js';
import { githubDeliveryVerifier } from './github-delivery-verifier.js';
import { readGitHubDelivery } from './read-github-delivery.js';

/** GitHub, the first event source: signed hook deliveries of release, create and push events. */
export const githubEventSource: EventSource = {
  ...githubDeliveryVerifier,
  read: readGitHubDelivery,
  redeliverHint: 'redeliver it from the hook settings on GitHub (Settings → Webhooks → Recent Deliveries)',
};
