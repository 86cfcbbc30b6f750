import { startForwardingProxy, type ForwardingProxy } from '../support/start-forwarding-proxy.js';

export interface HoldingProxy extends ForwardingProxy {
  /** Holds the next request whose body holds every one of `needles`; resolves once one is held. */
  holdNext(needles: readonly string[]): Promise<void>;
  /** Drops the held request: it never reaches the service, as if its sender had died before sending it. */
  dropHeld(): void;
}

/**
 * A pass-through proxy that stops one chosen request on its way (a status write, say) until the test
 * has killed its sender there: a crash at exactly that point, however fast the machine.
 */
export async function startHoldingProxy(): Promise<HoldingProxy> {
  let armed: { needles: readonly string[]; held: () => void } | undefined;
  let drop = (): void => {};
  const proxy = await startForwardingProxy(async (_req, body) => {
    const wanted = armed;
    if (!wanted || !wanted.needles.every((needle) => body.includes(needle))) return 'forward';
    armed = undefined;
    const dropped = new Promise<void>((resolve) => (drop = resolve));
    wanted.held();
    await dropped;
    return 'drop';
  });
  return Object.assign(proxy, {
    holdNext: (needles: readonly string[]) => new Promise<void>((held) => (armed = { needles, held })),
    dropHeld: () => drop(),
  });
}
