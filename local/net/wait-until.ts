import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Checked before every probe: an error here ends the wait at once (a probe's own errors only retry). */
  failIf?: () => Error | undefined;
}

/** Polls `probe` until it returns true, or fails with `what` named once `timeoutMs` has passed. */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  { timeoutMs = 30_000, intervalMs = 100, failIf }: WaitOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const failure = failIf?.();
    if (failure) throw failure;
    try {
      if (await probe()) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(intervalMs);
  }
  const reason = lastError instanceof Error ? ` Last error: ${lastError.message}` : '';
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.${reason}`);
}
