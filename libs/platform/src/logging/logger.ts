import { LoggerService } from '@nestjs/common';
import pino, { DestinationStream, Logger } from 'pino';
import { currentRequestId } from '../context/request-context';

type SonicBoom = ReturnType<typeof pino.destination>;

/**
 * Hands the lines logged during one turn of the event loop to the destination as one write.
 * pino's asynchronous destination measures its pending buffer on every write; under load, while
 * a write is in flight, that cost grows with the backlog and exceeded the cost of the line itself
 * (an app writing one access line per request lost a third of its throughput to it).
 */
export class TurnBatchedStream implements DestinationStream {
  private pending: string[] = [];

  constructor(private readonly destination: Pick<SonicBoom, 'write' | 'flushSync'>) {}

  write(line: string): void {
    if (this.pending.push(line) === 1) setImmediate(this.flush);
  }

  readonly flush = (): void => {
    if (this.pending.length === 0) return;
    const chunk = this.pending.length === 1 ? this.pending[0] : this.pending.join('');
    this.pending = [];
    this.destination.write(chunk);
  };

  /** Writes everything still pending before the process goes away. */
  flushSync(): void {
    this.flush();
    this.destination.flushSync();
  }
}

const flushedAtExit = new Set<TurnBatchedStream>();
process.once('exit', () => {
  for (const stream of flushedAtExit) {
    try {
      stream.flushSync();
    } catch {
      // Nothing more can be done for log lines at exit.
    }
  }
});

/**
 * Fields of errors that hold a request's data rather than what went wrong: TypeORM's
 * `parameters` (emails, password hashes), PostgreSQL's `detail` and `where` ("Key (email)=(…)
 * already exists"), the driver error TypeORM copies them from, and HTTP clients' bodies and
 * headers. Removed at any depth of an error.
 */
const DATA_FIELDS = new Set([
  'parameters',
  'driverError',
  'detail',
  'where',
  'internalQuery',
  'body',
  'headers',
  'config',
  'request',
  'response',
]);
const REDACTED = '[redacted]';

function scrubText(text: string, values: readonly string[]): string {
  let scrubbed = text;
  for (const value of values) scrubbed = scrubbed.split(value).join(REDACTED);
  return scrubbed;
}

/** The string parameters of a failed query long enough to recognise in a message. */
function parameterValues(error: unknown): string[] {
  const parameters = (error as { parameters?: unknown }).parameters;
  if (!Array.isArray(parameters)) return [];
  return parameters
    .map((parameter) =>
      typeof parameter === 'string' || typeof parameter === 'number' ? String(parameter) : '',
    )
    .filter((value) => value.length >= 3);
}

/** A copy without DATA_FIELDS at any depth, `values` replaced in strings; the input is left as is. */
function scrubbed(value: unknown, values: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return values.length > 0 ? scrubText(value, values) : value;
  if (typeof value !== 'object' || value === null) return value;
  if (depth > 8) return '[too deep]';
  if (Array.isArray(value)) return value.map((item) => scrubbed(item, values, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (!DATA_FIELDS.has(key)) {
      copy[key] = scrubbed((value as Record<string, unknown>)[key], values, depth + 1);
    }
  }
  return copy;
}

/**
 * pino's error serializer without the data a failing request carried: type, message, stack,
 * codes and the like stay; the fields above go, and a query parameter quoted back in a message
 * (`invalid input syntax for type uuid: "…"`) is replaced.
 */
export function serializeError(error: unknown): unknown {
  return scrubbed(pino.stdSerializers.err(error as Error), parameterValues(error));
}

let lastMillis = -1;
let lastTime = '';

/** pino's ISO time, formatted once per millisecond rather than once per line. */
export function isoTime(): string {
  const now = Date.now();
  if (now !== lastMillis) {
    lastMillis = now;
    lastTime = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastTime;
}

/**
 * One JSON logger per process; every line carries the app name and the current request id.
 * Lines are written asynchronously, a turn's lines at a time, and flushed when the process exits.
 */
export function createLogger(
  app: string,
  level: string,
  destination: Pick<SonicBoom, 'write' | 'flushSync'> = pino.destination({
    dest: 1,
    sync: false,
    minLength: 4096,
  }),
): Logger {
  const stream = new TurnBatchedStream(destination);
  flushedAtExit.add(stream);
  return pino(
    {
      level,
      base: { app },
      timestamp: isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: serializeError, error: serializeError },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
      // Exact paths only: wildcard paths make pino walk every logged object, which halves the
      // throughput of an app that writes one access line per request.
      redact: {
        paths: [
          'password',
          'refreshToken',
          'accessToken',
          'req.headers.authorization',
          'req.headers.cookie',
        ],
        censor: '[redacted]',
      },
    },
    stream,
  );
}

/** Lets Nest's own `Logger` write through pino, so framework and app logs share one format. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.write('info', message, context);
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.write('error', message, context, trace);
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }
  fatal(message: unknown, context?: string): void {
    this.write('fatal', message, context);
  }

  private write(level: pino.Level, message: unknown, context?: string, trace?: string): void {
    const fields: Record<string, unknown> = context ? { context } : {};
    if (trace) fields.stack = trace;
    if (typeof message === 'object' && message !== null) {
      const { msg, ...rest } = message as Record<string, unknown>;
      this.logger[level]({ ...fields, ...rest }, typeof msg === 'string' ? msg : undefined);
    } else {
      this.logger[level](fields, String(message));
    }
  }
}

/** What the access log records about one request. */
export interface AccessEntry {
  requestId: string;
  method: string;
  route: string;
  status: number;
  ms: number;
}

/**
 * Writes the per-request access line: the same JSON that `logger.info(entry, 'request')` (or
 * `debug` for `quiet` requests) writes, serialised by a fixed template rather than pino's generic
 * walk over the object, because an app writes one per request. The template holds only the
 * logger's bindings, the time and the entry (no mixin or redaction is needed on these fields).
 */
export function createAccessLog(logger: Logger): (entry: AccessEntry, quiet: boolean) => void {
  const stream = (logger as Logger & Record<symbol, DestinationStream>)[pino.symbols.streamSym];
  const bindings = JSON.stringify(logger.bindings()).slice(1, -1);
  const tail = bindings ? `,${bindings}` : '';
  return (entry, quiet) => {
    const level = quiet ? 'debug' : 'info';
    if (!logger.isLevelEnabled(level)) return;
    stream.write(
      `{"level":"${level}"${isoTime()}${tail},"requestId":${JSON.stringify(entry.requestId)},"method":${JSON.stringify(entry.method)},"route":${JSON.stringify(entry.route)},"status":${entry.status},"ms":${entry.ms},"msg":"request"}\n`,
    );
  };
}
