import type { IncomingHttpHeaders } from 'node:http';
import { decideRelease } from '../../shared/config/decide-release.js';
import { listRepositoriesServing } from '../../shared/config/list-repositories-serving.js';
import type { Config } from '../../shared/config/load-config.js';
import type { RepositoryProvider } from '../../shared/config/repository-provider.js';
import { ConfigError } from '../../shared/errors.js';
import { githubEventSource } from '../../shared/github/github-event-source.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { EventSource } from '../../shared/ports/event-source.js';
import type { ReleaseQueue } from '../../shared/ports/release-queue.js';
import { admitDelivery } from './admit-delivery.js';
import type { SleepCancel } from './publish-with-retry.js';
import { queueRelease } from './queue-release.js';
import { sendAnswer } from './send-answer.js';
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
  const retry = {
    budgetMs: publishBudgetMs,
    firstDelayMs: firstRetryDelayMs,
    maxDelayMs: maxRetryDelayMs,
    now,
    sleep,
  };

  const decide = async (req: WebhookRequest, log: Logger): Promise<WebhookAnswer> => {
    const admitted = admitDelivery(req, source, config.webhookSecrets, maxBodyBytes);
    if (!admitted.success) return admitted.error;
    const { said } = admitted.data;
    if (said.kind === 'ignored') return answer(200, 'ignored', said.reason);
    if (said.kind === 'ping') return pong(said.hookId);
    const served = await listRepositoriesServing(repositories, said.repository, recheckMs);
    const decided = decideRelease(served, said);
    if (!decided.success) return answer(200, 'ignored', decided.error);
    return queueRelease(queue, decided.data, admitted.data, { ...retry, logger: log }, source.redeliverHint);
  };

  return async (req, res) => {
    const log = logger.child(source.identify(req.headers));
    let result: WebhookAnswer;
    try {
      result = await decide(req, log);
    } catch (error) {
      log.error('webhook failed', { error });
      result = answer(500, 'error', `pkgrelay failed on this delivery; ${source.redeliverHint}`);
    }
    sendAnswer(res, log, result);
  };
}

function pong(hookId: number | undefined): WebhookAnswer {
  const hook = hookId === undefined ? 'the hook' : `hook ${hookId}`;
  const answered = answer(200, 'pong', `pkgrelay received the ping of ${hook}`);
  return hookId === undefined ? answered : { ...answered, body: { ...answered.body, hookId } };
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
