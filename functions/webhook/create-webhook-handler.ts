import type { IncomingHttpHeaders } from 'node:http';
import { listRepositoriesServing } from '../../shared/config/list-repositories-serving.js';
import type { Config } from '../../shared/config/load-config.js';
import type { RepositoryProvider } from '../../shared/config/repository-provider.js';
import type { ReleaseRequest } from '../../shared/contracts/release-request.js';
import { ConfigError } from '../../shared/errors.js';
import { decideRelease } from '../../shared/github/decide-release.js';
import { decodePayload } from '../../shared/github/decode-payload.js';
import { readReleaseEvent } from '../../shared/github/read-release-event.js';
import { SIGNATURE_HEADER, verifySignature } from '../../shared/github/verify-signature.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { ReleaseQueue } from '../../shared/ports/release-queue.js';
import { MAX_BODY_BYTES } from './max-body-bytes.js';
import { publishWithRetry, type SleepCancel } from './publish-with-retry.js';
import { answer, type WebhookAnswer } from './webhook-answer.js';

/** The parts of an HTTP request the handler reads; functions-framework's request has them all. */
export interface WebhookRequest {
  method: string;
  headers: IncomingHttpHeaders;
  /** The exact bytes received, kept by the front door (guard-request.ts) or functions-framework's body parser. */
  rawBody?: Buffer | undefined;
  /** The body as functions-framework parsed it (an object for JSON). */
  body?: unknown;
}

/** The parts of an HTTP response the handler writes; node's (and so Express's) response has them. */
export interface WebhookResponse {
  writeHead(statusCode: number, headers: Record<string, string>): unknown;
  end(body: string): unknown;
}

export interface WebhookHandlerDeps {
  config: Pick<Config, 'webhookSecrets'>;
  repositories: RepositoryProvider;
  /** A repository missing from the cached list is looked up again if the list is older than this. */
  recheckMs?: number;
  queue: ReleaseQueue;
  logger: Logger;
  /** Time for every publish attempt and pause together; GitHub waits 10 s for the answer. */
  publishBudgetMs?: number;
  firstRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  now?: () => number;
  sleep?: (ms: number, cancel?: SleepCancel) => Promise<void>;
  maxBodyBytes?: number;
}

export type WebhookHandler = (req: WebhookRequest, res: WebhookResponse) => Promise<void>;

const REDELIVER_HINT =
  'redeliver it from the hook settings on GitHub (Settings → Webhooks → Recent Deliveries)';

/** The HTTP handler of the `webhook` function: verifies, maps and publishes one GitHub delivery, and answers once. */
export function createWebhookHandler({
  config,
  repositories,
  recheckMs = 5_000,
  queue,
  logger,
  // GitHub waits 10 s; a cold instance may first spend a second or two loading zod and the Pub/Sub client.
  publishBudgetMs = 6_000,
  firstRetryDelayMs = 100,
  maxRetryDelayMs = 2_000,
  now = () => Date.now(),
  sleep = sleepFor,
  maxBodyBytes = MAX_BODY_BYTES,
}: WebhookHandlerDeps): WebhookHandler {
  if (config.webhookSecrets.length === 0) {
    throw new ConfigError('the environment', [
      'PKGRELAY_WEBHOOK_SECRETS: set it to the secret of the GitHub hook',
    ]);
  }
  const retry = {
    budgetMs: publishBudgetMs,
    firstDelayMs: firstRetryDelayMs,
    maxDelayMs: maxRetryDelayMs,
    now,
    sleep,
  };

  const decide = async (req: WebhookRequest, log: Logger): Promise<WebhookAnswer> => {
    const declared = Number(header(req.headers, 'content-length') ?? 0);
    const raw = req.rawBody ?? Buffer.alloc(0);
    if (declared > maxBodyBytes || raw.length > maxBodyBytes) {
      return answer(413, 'rejected', `the body is larger than GitHub's ${maxBodyBytes} byte limit`);
    }
    if (req.method !== 'POST') {
      return {
        ...answer(405, 'rejected', `method ${req.method} is not allowed; GitHub POSTs deliveries`),
        headers: { allow: 'POST' },
      };
    }
    const signature = verifySignature(raw, header(req.headers, SIGNATURE_HEADER), config.webhookSecrets);
    if (!signature.valid) return answer(401, 'rejected', signature.reason);
    const event = header(req.headers, 'x-github-event');
    if (!event) return answer(400, 'rejected', 'the X-GitHub-Event header is missing');
    const deliveryId = header(req.headers, 'x-github-delivery');
    if (!deliveryId) return answer(400, 'rejected', 'the X-GitHub-Delivery header is missing');
    if (event.length > 100 || deliveryId.length > 200) {
      return answer(400, 'rejected', 'the X-GitHub-Event or X-GitHub-Delivery header is too long');
    }
    const payload = decodePayload(raw, header(req.headers, 'content-type'), req.body);
    if (!payload.success) return answer(payload.unsupportedType ? 415 : 400, 'rejected', payload.error);

    const read = readReleaseEvent(event, payload.data);
    if (read.kind === 'invalid') return answer(400, 'rejected', read.reason);
    if (read.kind === 'ignored') return answer(200, 'ignored', read.reason);
    if (read.kind === 'ping') {
      const hook = read.hookId === undefined ? 'the hook' : `hook ${read.hookId}`;
      const pong = answer(200, 'pong', `pkgrelay received the ping of ${hook}`);
      return read.hookId === undefined ? pong : { ...pong, body: { ...pong.body, hookId: read.hookId } };
    }
    const served = await listRepositoriesServing(repositories, read.repository, recheckMs);
    const decision = decideRelease(served, read);
    if (!decision.publish) return answer(200, 'ignored', decision.reason);

    // Valid by construction: the repository is the configured one, decideRelease checked the tag as
    // TagName does, and the header lengths are checked above; no second validation on every delivery.
    const request: ReleaseRequest = {
      repository: decision.repository,
      tag: decision.tag,
      source: { kind: 'webhook', deliveryId, event },
    };
    const job = {
      repository: decision.repository,
      tag: decision.tag,
      version: decision.version.normalized,
      ...(decision.package === undefined ? {} : { package: decision.package }),
    };
    const outcome = await publishWithRetry(
      queue,
      request,
      { deliveryId, event, repository: job.repository },
      { ...retry, logger: log },
    );
    if (!outcome.published) {
      return {
        httpStatus: 503,
        body: {
          status: 'unavailable',
          reason: `the release request could not be queued after ${outcome.attempts} attempt${outcome.attempts === 1 ? '' : 's'} (${errorMessage(outcome.error)}); nothing was published: ${REDELIVER_HINT}`,
          job,
        },
      };
    }
    return { httpStatus: 202, body: { status: 'accepted', messageId: outcome.messageId, job } };
  };

  return async (req, res) => {
    const log = logger.child({
      deliveryId: header(req.headers, 'x-github-delivery'),
      event: header(req.headers, 'x-github-event'),
    });
    let result: WebhookAnswer;
    try {
      result = await decide(req, log);
    } catch (error) {
      log.error('webhook failed', { error });
      result = answer(500, 'error', `pkgrelay failed on this delivery; ${REDELIVER_HINT}`);
    }
    const fields = {
      status: result.httpStatus,
      outcome: result.body.status,
      reason: result.body.reason,
      job: result.body.job,
    };
    if (result.httpStatus >= 500) log.error('webhook answered', fields);
    else if (result.httpStatus >= 400) log.warn('webhook answered', fields);
    else log.info('webhook answered', { ...fields, messageId: result.body.messageId });
    res.writeHead(result.httpStatus, {
      'content-type': 'application/json; charset=utf-8',
      ...result.headers,
    });
    res.end(JSON.stringify(result.body));
  };
}

// Node joins repeated headers into one string, except a few it keeps as arrays.
function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Resolves after `ms`, or as soon as `cancel` is aborted: a publish that wins its race ends its timeout at once. */
function sleepFor(ms: number, cancel?: SleepCancel): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (cancel)
      cancel.onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
  });
}
