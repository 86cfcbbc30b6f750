import { http } from '@google-cloud/functions-framework';
import { createPubSubReleaseQueue } from '../../shared/adapters/create-pubsub-release-queue.js';
import { loadConfig } from '../../shared/config/load-config.js';
import { createLogger } from '../../shared/log/create-logger.js';
import { createWebhookHandler, type WebhookHandler } from './create-webhook-handler.js';

// Built on the first request, not at import: functions/index.ts loads every function, and a cold start stays light.
let handler: WebhookHandler | undefined;

function createHandler(): WebhookHandler {
  const config = loadConfig();
  const logger = createLogger({ fields: { component: 'webhook' }, minSeverity: config.logLevel });
  const queue = createPubSubReleaseQueue({ projectId: config.projectId, topic: config.releasesTopic });
  return createWebhookHandler({ config, queue, logger });
}

http('webhook', async (req, res) => {
  try {
    handler ??= createHandler();
  } catch (error) {
    createLogger({ fields: { component: 'webhook' } }).error('webhook is misconfigured', { error });
    res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ status: 'error', reason: 'pkgrelay is misconfigured; see the function logs' }));
    return;
  }
  await handler(req, res);
});
