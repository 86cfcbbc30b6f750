import type {
  NotificationEndpoint,
  NotificationKind,
  Notifications,
} from '../../shared/config/notification-config.js';
import { secretVariable } from '../../shared/config/notification-config.js';
import { ConfigError } from '../../shared/errors.js';

/** An endpoint with its secrets read: where to POST, in which format, signed with which key. */
export interface ResolvedEndpoint {
  name: string;
  format: NotificationEndpoint['format'];
  url: string;
  signingKey: string | undefined;
  on: readonly NotificationKind[];
  /** Lower-case repository names, or undefined for every repository. */
  repositories: readonly string[] | undefined;
}

/** Reads each endpoint's secrets from the environment once, at cold start; a missing one names its variable. */
export function resolveEndpoints(
  notifications: Notifications,
  env: Record<string, string | undefined> = process.env,
): ResolvedEndpoint[] {
  const problems: string[] = [];
  const secret = (endpoint: string, id: string | undefined): string | undefined => {
    if (id === undefined) return undefined;
    // Secret Manager values and secret files often end with a newline that is no part of the secret.
    const value = env[secretVariable(id)]?.trim();
    if (!value)
      problems.push(
        `notifications.endpoints (${endpoint}): ${secretVariable(id)} is not set; map secret "${id}" to it`,
      );
    return value;
  };
  const resolved = notifications.endpoints.map((endpoint) => ({
    name: endpoint.name,
    format: endpoint.format,
    url: endpoint.url ?? secret(endpoint.name, endpoint.urlSecret) ?? '',
    signingKey: secret(endpoint.name, endpoint.signingSecret),
    on: endpoint.on,
    repositories: endpoint.repositories?.map((name) => name.toLowerCase()),
  }));
  if (problems.length) throw new ConfigError('the environment', problems);
  return resolved;
}
