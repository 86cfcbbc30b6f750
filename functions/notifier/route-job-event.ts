import type { NotificationKind } from '../../shared/config/notification-config.js';
import type { JobEvent } from '../../shared/events/job-event.js';
import type { ResolvedEndpoint } from './resolve-endpoints.js';

/** What an event is news of, if anything a person is told about (queued and building are not). */
export function kindOf(event: JobEvent): NotificationKind | undefined {
  if (event.type === 'drift') return 'drift';
  if (event.state === 'failed' || event.state === 'published' || event.state === 'skipped')
    return event.state;
  return undefined;
}

/** The endpoints that want this event: its kind is in their `on`, its repository in their `repositories`. */
export function routeJobEvent(event: JobEvent, endpoints: readonly ResolvedEndpoint[]): ResolvedEndpoint[] {
  const kind = kindOf(event);
  if (!kind) return [];
  const repository = event.repository.toLowerCase();
  return endpoints.filter(
    (endpoint) =>
      endpoint.on.includes(kind) && (!endpoint.repositories || endpoint.repositories.includes(repository)),
  );
}
