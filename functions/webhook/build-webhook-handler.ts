import { createPubSubReleaseQueue } from '../../shared/adapters/create-pubsub-release-queue.js';
import { openRepositoryProvider } from '../../shared/adapters/open-repository-provider.js';
import { loadConfig } from '../../shared/config/load-config.js';
import { githubEventSource } from '../../shared/github/github-event-source.js';
import { createLogger } from '../../shared/log/create-logger.js';
import { createWebhookHandler, type WebhookHandler } from './create-webhook-handler.js';

/** The webhook's handler wired to its configuration, logger and Pub/Sub queue; throws a ConfigError when misconfigured. */
export function buildWebhookHandler(): WebhookHandler {
  const config = loadConfig();
  const logger = createLogger({ fields: { component: 'webhook' }, minSeverity: config.logLevel });
  const queue = createPubSubReleaseQueue({ projectId: config.projectId, topic: config.releasesTopic });
  const repositories = openRepositoryProvider(config, logger);
  return createWebhookHandler({ config, source: githubEventSource, repositories, queue, logger });
}
