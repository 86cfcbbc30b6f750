import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { githubDeliveryVerifier } from '../../shared/github/github-delivery-verifier.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { DeliveryVerifier } from '../../shared/ports/event-source.js';

export interface GuardOptions {
  logger: Logger;
  /** Who sends the deliveries: names them in logs and answers, and caps their size; GitHub unless told. */
  source?: Pick<DeliveryVerifier, 'name' | 'maxBodyBytes' | 'identify'>;
  maxBodyBytes?: number;
}

/** The request as functions-framework's body parser leaves it: the exact bytes received. */
type RequestWithRawBody = IncomingMessage & { rawBody?: Buffer };

/**
 * Wraps a server's request listener (functions-framework's express app) so that no body is inflated
 * and none grows past `maxBodyBytes` in memory: a Content-Encoding other than identity is answered 415
 * and a body over the cap 413, both before anything is buffered; otherwise the raw bytes are read here,
 * counted as they arrive, and handed on as `req.rawBody` with the stream ended, so the framework's
 * parsers (which would inflate, and buffer up to 1 GB) skip the request.
 */
export function guardRequest(
  next: RequestListener,
  { logger, source = githubDeliveryVerifier, maxBodyBytes = source.maxBodyBytes }: GuardOptions,
): RequestListener {
  const refuse = (req: IncomingMessage, res: ServerResponse, httpStatus: number, reason: string): void => {
    logger.warn('webhook answered', {
      ...source.identify(req.headers),
      status: httpStatus,
      outcome: 'rejected',
      reason,
    });
    res.writeHead(httpStatus, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ status: 'rejected', reason }));
    discardRest(req, maxBodyBytes);
  };
  const tooLarge = `the body is larger than ${source.name}'s ${maxBodyBytes} byte limit`;

  return (req, res) => {
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      refuse(
        req,
        res,
        415,
        `Content-Encoding "${encoding.slice(0, 100)}" is not accepted: ${source.name} sends deliveries uncompressed`,
      );
      return;
    }
    if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) {
      refuse(req, res, 413, tooLarge);
      return;
    }
    let chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received <= maxBodyBytes) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.off('end', onEnd);
      chunks = [];
      refuse(req, res, 413, tooLarge);
    };
    const onEnd = (): void => {
      (req as RequestWithRawBody).rawBody =
        chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, received);
      chunks = [];
      next(req, res);
    };
    req.on('data', onData);
    req.once('end', onEnd);
    // A client that goes away mid-body gets no answer; dropping the chunks is all there is to do.
    req.once('error', () => (chunks = []));
  };
}

// Reads on without keeping anything, so the client sees the answer instead of a reset; past the cap it is cut off.
function discardRest(req: IncomingMessage, maxBytes: number): void {
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > maxBytes) req.socket.destroy();
  });
  req.on('error', () => undefined);
  req.resume();
}
