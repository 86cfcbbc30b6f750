import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../shared/log/create-logger.js';
import type { FaultInjector } from './create-fault-injector.js';
import type { MutationLimiter } from './create-mutation-limiter.js';
import type { ObjectStore } from './open-object-store.js';
import type { UploadSessions } from './open-upload-sessions.js';

/** What every handler is built from: the store, the resumable sessions, the fault switch, the per-object rate and a logger. */
export interface StorageContext {
  store: ObjectStore;
  sessions: UploadSessions;
  faults: FaultInjector;
  mutations: MutationLimiter;
  logger: Logger;
  clock: () => Date;
}

/** One request, with its URL already taken apart by the router. */
export interface StorageCall {
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  /** `http://host:port` as the client addressed the server, for links and session URIs it will follow. */
  origin: string;
  bucket: string;
  object?: string;
}
