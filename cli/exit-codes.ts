/** The exit codes scripts can rely on; `pkgrelay --help` lists them. */
export const ExitCode = {
  /** Done: the job was published or skipped, the answer was 2xx. */
  ok: 0,
  /** The job failed, or the operation did (non-2xx answer, reconcile errors, no such job). */
  failed: 1,
  /** Bad arguments or options. */
  usage: 2,
  /** The local stack or Google Cloud could not be reached (no stack.json, connection refused, no credentials). */
  unreachable: 3,
  /** `pkgrelay verify`: the file is not one pkgrelay built. */
  notBuilt: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODES_HELP = `
Exit codes:
  0  ok: the job ended published or skipped; the request succeeded
  1  failed: the job failed, or the operation did (non-2xx answer, reconcile errors, nothing found)
  2  usage: bad arguments or options
  3  unreachable: no local stack (.pkgrelay/stack.json), or Pub/Sub, Cloud Storage, a function or
     Google Cloud could not be reached (connection refused, missing credentials, unknown topic or bucket)
  4  not built: \`pkgrelay verify\` found no file pkgrelay published with that sha256

Targets: every command reads the local stack's .pkgrelay/stack.json (--stack <dir> for another);
with --project P --bucket B [--topic T] it talks to Google Cloud with application default credentials.`;

/** An error that carries the exit code the command ends with. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);
// gRPC codes: 4 DEADLINE_EXCEEDED, 5 NOT_FOUND (topic), 7 PERMISSION_DENIED, 14 UNAVAILABLE, 16 UNAUTHENTICATED.
const UNREACHABLE_GRPC = new Set([4, 5, 7, 14, 16]);

/** The exit code an error calls for: unreachable services and credentials are 3, the rest 1. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  for (let cause: unknown = error, depth = 0; cause && depth < 5; depth++) {
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return ExitCode.unreachable;
    if (typeof code === 'number' && UNREACHABLE_GRPC.has(code)) return ExitCode.unreachable;
    if (code === 401 || code === 403 || code === 404) return ExitCode.unreachable;
    if (
      typeof message === 'string' &&
      /fetch failed|default credentials|ECONNREFUSED|socket hang up/i.test(message)
    )
      return ExitCode.unreachable;
    cause = (cause as { cause?: unknown }).cause;
  }
  return ExitCode.failed;
}
