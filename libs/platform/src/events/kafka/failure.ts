/**
 * Why a handler failed, which decides what the consumer does about it:
 * - `infrastructure`: the database or the broker is unreachable, restarting or timing out, or
 *   the handler asked to be retried later (TransientError). Nothing is wrong with the message;
 *   it is retried without limit (capped backoff) and never dead-lettered.
 * - `message`: the message fails for its own reasons (a domain error, a bug, a constraint):
 *   retried a few times, then dead-lettered.
 */
export type Failure =
  { kind: 'infrastructure'; reason: InfrastructureReason } | { kind: 'message'; reason: 'handler' };

/** Label values of `events_consumer_retries_total{reason}`: a small fixed set. */
export type InfrastructureReason = 'database' | 'broker' | 'timeout' | 'network' | 'transient';

/**
 * Thrown by a handler that cannot proceed yet but will later (e.g. the wallet of a user whose
 * signup event has not arrived). Retried like an infrastructure error, so the handler itself
 * must bound how long it keeps asking.
 */
export class TransientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransientError';
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * PostgreSQL SQLSTATEs that say "try again": connection exceptions (08…), insufficient
 * resources (53…), operator intervention such as a shutdown or a restart (57P…), and the
 * serialization failures and deadlocks a retry resolves (40001, 40P01).
 */
function isRetryableSqlState(code: string): boolean {
  return (
    code.startsWith('08') ||
    code.startsWith('53') ||
    code.startsWith('57P') ||
    code === '40001' ||
    code === '40P01'
  );
}

const DATABASE_MESSAGES =
  /connection terminated|terminating connection|the database system is (starting up|shutting down|in recovery mode)|timeout exceeded when trying to connect|connection (is )?(closed|ended)|Client has encountered a connection error|cannot connect now|Connection is not established/i;

export function classifyFailure(error: unknown): Failure {
  if (error instanceof TransientError) return { kind: 'infrastructure', reason: 'transient' };
  if (!(error instanceof Error)) return { kind: 'message', reason: 'handler' };
  const withCode = error as Error & { code?: unknown; driverError?: { code?: unknown } };
  const code = String(withCode.code ?? withCode.driverError?.code ?? '');
  if (error.name.startsWith('KafkaJS')) return { kind: 'infrastructure', reason: 'broker' };
  if (NETWORK_CODES.has(code)) return { kind: 'infrastructure', reason: 'network' };
  // 57014: a statement cancelled by statement_timeout.
  if (
    code === 'ETIMEDOUT' ||
    code === '57014' ||
    /timed out|timeout exceeded|read timeout/i.test(error.message)
  ) {
    return { kind: 'infrastructure', reason: 'timeout' };
  }
  if (/^[0-9A-Z]{5}$/.test(code) && isRetryableSqlState(code)) {
    return { kind: 'infrastructure', reason: 'database' };
  }
  if (DATABASE_MESSAGES.test(error.message)) return { kind: 'infrastructure', reason: 'database' };
  return { kind: 'message', reason: 'handler' };
}
