/** Structured logging: one JSON object per line, which CloudWatch Logs Insights parses field by field. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface JsonLoggerOptions {
  /** Fields added to every line (e.g. the route and request id). */
  fields?: Record<string, unknown>;
  /** Where lines go; default stdout, which Lambda forwards to CloudWatch Logs as is. */
  write?: (line: string) => void;
}

// A safety net, not a licence: field names that usually hold secrets are masked even if a caller
// passes them by mistake. Credentials, signatures and session tokens must never reach a log.
const SECRET_FIELD = /authorization|password|secret|token|signature|credential|cookie|access.?key/i;

/**
 * A Logger that writes `{level, message, ...fields}` as one JSON line. Never throws.
 *
 * @example
 * const log = createJsonLogger({ fields: { service: 'users' } });
 * log.info('user created', { userId });
 */
export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const base = options.fields ?? {};
  const emit = (level: 'info' | 'error', message: string, fields?: Record<string, unknown>) =>
    write(serialize({ level, message, ...base, ...fields }));
  return {
    info: (message, fields) => emit('info', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}

/**
 * A Logger that adds `fields` to every line of `parent`.
 *
 * @example
 * const log = childLogger(createJsonLogger(), { requestId });
 */
export function childLogger(parent: Logger, fields: Record<string, unknown>): Logger {
  return {
    info: (message, more) => parent.info(message, { ...fields, ...more }),
    error: (message, more) => parent.error(message, { ...fields, ...more }),
  };
}

function serialize(entry: Record<string, unknown>): string {
  try {
    return JSON.stringify(entry, redact);
  } catch (error) {
    // Circular structures or BigInts must not turn a log call into a failed request.
    return JSON.stringify({ level: entry.level, message: entry.message, logError: String(error) });
  }
}

function redact(key: string, value: unknown): unknown {
  if (key !== '' && SECRET_FIELD.test(key)) return '[redacted]';
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}
