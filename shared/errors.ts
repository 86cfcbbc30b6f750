/** The codes a failed job carries; each has a message a person can act on. */
export const ErrorCode = [
  'INVALID_REQUEST',
  'NOT_CONFIGURED',
  'SOURCE_NOT_FOUND',
  'SOURCE_MOVED',
  'NOT_A_PYTHON_PROJECT',
  'BACKEND_TOO_OLD',
  'BUILD_FAILED',
  'WHEEL_REPAIR_FAILED',
  'VERSION_MISMATCH',
  'METADATA_INVALID',
  'UPLOAD_REJECTED',
  'NAME_NOT_ALLOWED',
  'TIMED_OUT',
  'CANCELLED',
  'EXPIRED',
  'INTERNAL_ERROR',
  'DEAD_LETTERED',
] as const;
export type ErrorCode = (typeof ErrorCode)[number];

/** A failure that will not go away by retrying: the message is recorded and acknowledged. */
export class PermanentError extends Error {
  override name = 'PermanentError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A failure that may pass (an outage, a lost race): thrown so Pub/Sub redelivers with backoff. */
export class TransientError extends Error {
  override name = 'TransientError';
  constructor(what: string, cause?: unknown) {
    super(`${what}. Reason: ${cause instanceof Error ? cause.message : String(cause ?? 'unknown')}`, {
      cause,
    });
  }
}

/**
 * A stored document that fails its schema (or is not JSON). It is evidence, never "absent": nothing
 * overwrites it, the message is acknowledged and logged, and a person repairs or removes the object.
 */
export class UnreadableDocumentError extends Error {
  override name = 'UnreadableDocumentError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(
      `${path} is unreadable (${problem}); pkgrelay leaves it as it is: repair the object or delete it, then send the request again`,
    );
  }
}

/** Bad configuration found at cold start: names the source, the field and the fix. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly source: string,
    readonly issues: readonly string[],
  ) {
    super(`Invalid configuration in ${source}:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
  }
}
