import type { ReleaseRequest } from '../../../shared/contracts/release-request.js';
import type { ReleaseQueue } from '../../../shared/ports/release-queue.js';

export interface PublishedMessage {
  request: ReleaseRequest;
  attributes: Record<string, string>;
}

/** An in-memory ReleaseQueue that records what it accepted and can fail or hang on demand. */
export class FakeReleaseQueue implements ReleaseQueue {
  readonly published: PublishedMessage[] = [];
  attempts = 0;
  /** How many of the next publishes reject; Infinity for an outage. */
  failuresLeft = 0;
  /** When set, publishes never settle, like a client waiting on an unreachable endpoint. */
  hang = false;

  async publish(request: ReleaseRequest, attributes: Record<string, string> = {}): Promise<string> {
    this.attempts++;
    if (this.hang) return new Promise<string>(() => {});
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error('14 UNAVAILABLE: fake outage');
    }
    this.published.push({ request, attributes });
    return `message-${this.published.length}`;
  }

  reset(): void {
    this.published.length = 0;
    this.attempts = 0;
    this.failuresLeft = 0;
    this.hang = false;
  }
}

/** A clock that moves only when the handler sleeps, so backoff runs instantly and is recorded. */
export function createFakeTime(start = 1_000_000): {
  now: () => number;
  sleep: (ms: number, cancel?: { aborted: boolean }) => Promise<void>;
  sleeps: number[];
} {
  let time = start;
  const sleeps: number[] = [];
  return {
    now: () => time,
    sleeps,
    // Settles after pending microtasks (a fake publish wins the race) and advances time unless aborted.
    sleep: (ms, cancel) =>
      new Promise((resolve) =>
        setImmediate(() => {
          if (!cancel?.aborted) {
            time += ms;
            sleeps.push(ms);
          }
          resolve();
        }),
      ),
  };
}
