import { setTimeout as sleep } from 'node:timers/promises';
import { startForwardingProxy, type ForwardingProxy } from '../support/start-forwarding-proxy.js';

export type DelayingProxy = ForwardingProxy;

/**
 * An HTTP proxy on 127.0.0.1 that holds each request `delayMs` before forwarding it: a slow registry,
 * so what a worker does while it holds a lease takes long enough for a test to crash it there.
 */
export function startDelayingProxy(delayMs: number): Promise<DelayingProxy> {
  return startForwardingProxy(async () => {
    await sleep(delayMs);
    return 'forward';
  });
}
