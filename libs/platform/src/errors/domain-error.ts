/**
 * A business error with a stable code (`PAYMENT.INSUFFICIENT_FUNDS`) and the HTTP status it
 * maps to. Services throw these; the global filter turns them into the error body of docs/architecture.md.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 422,
    /** Extra response headers, e.g. Retry-After for 429. */
    readonly headers: Record<string, string> = {},
    /** Extra fields for the body, e.g. the price on a 402. Never internals. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
