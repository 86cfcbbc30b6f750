import type { IncomingHttpHeaders } from 'node:http';
import { decideRelease } from '../../shared/config/decide-release.js';
import { listRepositoriesServing } from '../../shared/config/list-repositories-serving.js';
import type { Config } from '../../shared/config/load-config.js';
import type { RepositoryProvider } from '../../shared/config/repository-provider.js';
import type { ReleaseRequest } from '../../shared/contracts/release-request.js';
import { ConfigError } from '../../shared/errors.js';
import { githubEventSource } from '../../shared/github/github-event-source.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { EventSource } from '../../shared/ports/event-source.js';
import type { ReleaseQueue } from '../../shared/ports/release-queue.js';
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
  /** Who sends the deliveries, how they are signed and what they say; GitHub unless told. */
  source?: EventSource;
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

/** The HTTP handler of the `webhook` function: verifies, maps and publishes one delivery of its source, and answers once. */
export function createWebhookHandler({
  config,
  source = githubEventSource,
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
  maxBodyBytes = source.maxBodyBytes,
}: WebhookHandlerDeps): WebhookHandler {
  if (config.webhookSecrets.length === 0) {
    throw new ConfigError('the environment', [
      `PKGRELAY_WEBHOOK_SECRETS: set it to the secret of the ${source.name} hook`,
    ]);
  }
  const redeliverHint = source.redeliverHint;
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
      return answer(413, 'rejected', `the body is larger than ${source.name}'s ${maxBodyBytes} byte limit`);
    }
    if (req.method !== 'POST') {
      return {
        ...answer(405, 'rejected', `method ${req.method} is not allowed; ${source.name} POSTs deliveries`),
        headers: { allow: 'POST' },
      };
    }
    const delivery = { headers: req.headers, rawBody: raw, body: req.body };
    const signature = source.verify(delivery, config.webhookSecrets);
    if (!signature.success) return answer(401, 'rejected', signature.error);
    const read = source.read(delivery);
    if (!read.success) return answer(read.error.httpStatus, 'rejected', read.error.reason);
    const { deliveryId, event, said } = read.data;
    if (said.kind === 'ignored') return answer(200, 'ignored', said.reason);
    if (said.kind === 'ping') {
      const hook = said.hookId === undefined ? 'the hook' : `hook ${said.hookId}`;
      const pong = answer(200, 'pong', `pkgrelay received the ping of ${hook}`);
      return said.hookId === undefined ? pong : { ...pong, body: { ...pong.body, hookId: said.hookId } };
    }
    const served = await listRepositoriesServing(repositories, said.repository, recheckMs);
    const decided = decideRelease(served, said);
    if (!decided.success) return answer(200, 'ignored', decided.error);
    const decision = decided.data;

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
    if (!outcome.success) {
      const { attempts, cause } = outcome.error;
      return {
        httpStatus: 503,
        body: {
          status: 'unavailable',
          reason: `the release request could not be queued after ${attempts} attempt${attempts === 1 ? '' : 's'} (${errorMessage(cause)}); nothing was published: ${redeliverHint}`,
          job,
        },
      };
    }
    return { httpStatus: 202, body: { status: 'accepted', messageId: outcome.data.messageId, job } };
  };

  return async (req, res) => {
    const log = logger.child(source.identify(req.headers));
    let result: WebhookAnswer;
    try {
      result = await decide(req, log);
    } catch (error) {
      log.error('webhook failed', { error });
      result = answer(500, 'error', `pkgrelay failed on this delivery; ${redeliverHint}`);
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
