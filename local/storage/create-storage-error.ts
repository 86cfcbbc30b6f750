/** An error answer in the JSON API's envelope; clients branch on `code` and on `errors[].reason`. */
export interface StorageError {
  code: number;
  message: string;
  reason: string;
  /** Extra fields of the one entry in `errors[]`, such as where a failed precondition was stated. */
  detail?: Record<string, string>;
}

export const bucketNotFound = (): StorageError => ({
  code: 404,
  message: 'The specified bucket does not exist.',
  reason: 'notFound',
});

export const objectNotFound = (bucket: string, name: string): StorageError => ({
  code: 404,
  message: `No such object: ${bucket}/${name}`,
  reason: 'notFound',
});

export const bucketAlreadyOwned = (): StorageError => ({
  code: 409,
  message: 'Your previous request to create the named bucket succeeded and you already own it.',
  reason: 'conflict',
});

export const preconditionFailed = (): StorageError => ({
  code: 412,
  message: 'At least one of the pre-conditions you specified did not hold.',
  reason: 'conditionNotMet',
  detail: { locationType: 'header', location: 'If-Match' },
});

export const invalidRequest = (message: string, reason = 'invalid'): StorageError => ({
  code: 400,
  message,
  reason,
});

export const backendError = (): StorageError => ({
  code: 503,
  message: 'We encountered an internal error. Please try again.',
  reason: 'backendError',
});

/** What Cloud Storage answers past its per-object mutation rate (one write per second to one name). */
export const objectMutationRateExceeded = (bucket: string, name: string): StorageError => ({
  code: 429,
  message: `The object ${bucket}/${name} exceeded the rate limit for object mutation operations (create, update, and delete). Please reduce your request rate. See https://cloud.google.com/storage/docs/gcs429.`,
  reason: 'rateLimitExceeded',
});

export const notFoundRoute = (method: string, path: string): StorageError => ({
  code: 404,
  message: `The local storage server does not implement ${method} ${path}.`,
  reason: 'notFound',
});

/** The body Cloud Storage sends with an error status. */
export function toErrorBody(error: StorageError): unknown {
  return {
    error: {
      code: error.code,
      message: error.message,
      errors: [{ message: error.message, domain: 'global', reason: error.reason, ...error.detail }],
    },
  };
}
