import type { JobEvent } from '../../shared/events/job-event.js';
import { EVENT_SIGNATURE_HEADER, signEventBody } from '../../shared/events/sign-event-body.js';
import { describeJobEvent } from './describe-job-event.js';
import { formatGoogleChatMessage, googleChatUrl } from './format-google-chat-message.js';
import { formatSlackMessage } from './format-slack-message.js';
import type { ResolvedEndpoint } from './resolve-endpoints.js';

export interface NotificationRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The POST that tells one endpoint of one event, in the endpoint's own format. */
export function createNotificationRequest(event: JobEvent, endpoint: ResolvedEndpoint): NotificationRequest {
  const json = { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'pkgrelay-notifier' };
  switch (endpoint.format) {
    case 'slack':
      return {
        url: endpoint.url,
        headers: json,
        body: JSON.stringify(formatSlackMessage(describeJobEvent(event))),
      };
    case 'google-chat':
      return {
        url: googleChatUrl(endpoint.url),
        headers: json,
        body: JSON.stringify(formatGoogleChatMessage(describeJobEvent(event), event)),
      };
    case 'webhook': {
      const body = JSON.stringify(event);
      return {
        url: endpoint.url,
        headers: {
          ...json,
          [EVENT_SIGNATURE_HEADER]: signEventBody(body, endpoint.signingKey ?? ''),
          'x-pkgrelay-event': event.type,
          'x-pkgrelay-delivery': event.id,
        },
        body,
      };
    }
  }
}
