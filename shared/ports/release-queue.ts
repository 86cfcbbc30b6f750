import type { ReleaseRequest } from '../contracts/release-request.js';

/** Where release requests go: topic pkgrelay-releases in production and on the local stack. */
export interface ReleaseQueue {
  /** Resolves with the message id once Pub/Sub has accepted the message; rejects otherwise. */
  publish(request: ReleaseRequest, attributes?: Record<string, string>): Promise<string>;
}
