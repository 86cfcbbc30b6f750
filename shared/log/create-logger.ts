/** Severity names as Cloud Logging reads them from a JSON line's `severity` field. */
export const Severity = ['DEBUG', 'INFO', 'WARNING', 'ERROR'] as const;
export type Severity = (typeof Severity)[number];

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  /** Fields repeated on every line, such as the component's name. */
  fields?: LogFields;
  write?: (line: string) => void;
  clock?: () => Date;
  minSeverity?: Severity;
}

/** A logger that writes one JSON object per line with `severity` and `message`, as Cloud Logging expects. */
export function createLogger({
  fields = {},
  write = (line) => process.stdout.write(line),
  clock = () => new Date(),
  minSeverity = 'DEBUG',
}: LoggerOptions = {}): Logger {
  const floor = Severity.indexOf(minSeverity);
  const emit = (severity: Severity, message: string, extra: LogFields = {}): void => {
    if (Severity.indexOf(severity) < floor) return;
    const entry = { severity, message, time: clock().toISOString(), ...fields, ...extra };
    write(JSON.stringify(entry, replaceErrors) + '\n');
  };
  return {
    debug: (message, extra) => emit('DEBUG', message, extra),
    info: (message, extra) => emit('INFO', message, extra),
    warn: (message, extra) => emit('WARNING', message, extra),
    error: (message, extra) => emit('ERROR', message, extra),
    child: (more) => createLogger({ fields: { ...fields, ...more }, write, clock, minSeverity }),
  };
}

function replaceErrors(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

/** A logger that drops everything, for tests and quiet tools. */
export const silentLogger: Logger = createLogger({ write: () => {} });
