import { http } from '@google-cloud/functions-framework';
import { githubDeliveryVerifier } from '../../shared/github/github-delivery-verifier.js';
import { createLogger } from '../../shared/log/create-logger.js';
import type { WebhookHandler } from './create-webhook-handler.js';
import { guardRequest } from './guard-request.js';
import { installFrontDoor } from './install-front-door.js';
import { refuseForgedDelivery } from './refuse-forged-delivery.js';

// Built on the first signed request, not at import: a forged delivery is refused without loading the validation stack or any cloud client.
let handler: Promise<WebhookHandler> | undefined;
const logger = createLogger({ fields: { component: 'webhook' } });

// GitHub-only: the one source this webhook serves; build-webhook-handler.ts names the same one for the full handler.
const source = githubDeliveryVerifier;

// Before the framework's body parsers, which inflate gzip and buffer up to 1 GB before any handler runs.
installFrontDoor((listener) => guardRequest(listener, { logger, source }));

http('webhook', async (req, res) => {
  if (!handler && refuseForgedDelivery(req, res, logger.child(source.identify(req.headers)), source)) return;
  let ready: WebhookHandler;
  try {
    handler ??= import('./build-webhook-handler.js').then((module) => module.buildWebhookHandler());
    ready = await handler;
  } catch (error) {
    handler = undefined;
    logger.error('webhook is misconfigured', { error });
    res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ status: 'error', reason: 'pkgrelay is misconfigured; see the function logs' }));
    return;
  }
  await ready(req, res);
});
