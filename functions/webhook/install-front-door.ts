import { subscribe } from 'node:diagnostics_channel';
import type { RequestListener, Server } from 'node:http';

const guarded = new WeakSet<Server>();

/**
 * Puts `wrap` in front of every request listener of every HTTP server of this process, from its first
 * request on. functions-framework creates its server after loading the function's module and starts it
 * itself (Cloud Run runs the framework's own binary), so the module cannot reach the server directly:
 * Node publishes `http.server.request.start` with the server just before it emits `request`, and a
 * listener swapped in at that moment already serves that very request.
 */
export function installFrontDoor(wrap: (listener: RequestListener) => RequestListener): void {
  subscribe('http.server.request.start', (message) => {
    const { server } = message as { server: Server };
    if (guarded.has(server)) return;
    guarded.add(server);
    for (const listener of server.listeners('request') as RequestListener[]) {
      server.removeListener('request', listener);
      server.on('request', wrap(listener));
    }
  });
}
