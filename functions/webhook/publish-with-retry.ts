import type { ReleaseRequest } from '../../shared/contracts/release-request.js';
import type { Result } from '../../shared/contracts/result.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { ReleaseQueue } from '../../shared/ports/release-queue.js';

/**
 * Ends a pending sleep early. Every published request cancels its timeout once, so this is a plain
 * flag and callback: an AbortController with its listener and abort event costs about 20 µs here.
 */
export interface SleepCancel {
  aborted: boolean;
  onAbort?: () => void;
}

export interface RetryOptions {
  /** Total time for every attempt and pause; GitHub gives up after 10 s. */
  budgetMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
  now: () => number;
  /** Resolves after `ms`; once `cancel` is aborted it may settle at once (its outcome is then ignored). */
  sleep: (ms: number, cancel?: SleepCancel) => Promise<void>;
  logger: Logger;
}

/** The message id once Pub/Sub accepted the request; else the last failure. Both count the attempts. */
export type PublishOutcome = Result<
  { messageId: string; attempts: number },
  { cause: unknown; attempts: number }
>;

const TIMED_OUT = Symbol('timed out');

/** Publishes one request, retrying with exponential backoff until it is accepted or the budget is spent. */
export async function publishWithRetry(
  queue: ReleaseQueue,
  request: ReleaseRequest,
  attributes: Record<string, string>,
  { budgetMs, firstDelayMs, maxDelayMs, now, sleep, logger }: RetryOptions,
): Promise<PublishOutcome> {
  const deadline = now() + budgetMs;
  let delay = firstDelayMs;
  let lastError: unknown;
  for (let attempt = 1; ; attempt++) {
    const remaining = deadline - now();
    const timer: SleepCancel = { aborted: false };
    try {
      // A publish that hangs (an unreachable endpoint) must not outlive the budget.
      const timeout = sleep(remaining, timer).then(
        (): typeof TIMED_OUT => TIMED_OUT,
        (): typeof TIMED_OUT => TIMED_OUT,
      );
      const result = await Promise.race([queue.publish(request, attributes), timeout]);
      if (result !== TIMED_OUT) return { success: true, data: { messageId: result, attempts: attempt } };
      lastError = new Error(`the publish did not finish within ${budgetMs} ms`);
    } catch (error) {
      lastError = error;
    } finally {
      timer.aborted = true;
      timer.onAbort?.();
    }
    const pause = Math.min(delay, deadline - now());
    logger.warn('publish failed', { attempt, error: lastError, retryInMs: pause > 0 ? pause : undefined });
    if (pause <= 0) return { success: false, error: { cause: lastError, attempts: attempt } };
    await sleep(pause);
    if (deadline - now() <= 0) return { success: false, error: { cause: lastError, attempts: attempt } };
    delay = Math.min(delay * 2, maxDelayMs);
  }
}
