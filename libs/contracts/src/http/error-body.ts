/** The error body every app and the gateway answer with (docs/architecture.md, "Public HTTP API conventions"). */
export interface ErrorBody {
  statusCode: number;
  /** The HTTP reason phrase, e.g. `Bad Request`. */
  error: string;
  /** Human-readable; for validation errors, one message per invalid field. */
  message: string | string[];
  requestId: string;
  /** A stable domain error code such as `PAYMENT.INSUFFICIENT_FUNDS`, when there is one. */
  code?: string;
}

export const REQUEST_ID_HEADER = 'x-request-id';
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** The header a recognised load generator sends to the gateway, which never forwards it. */
export const LOAD_TEST_HEADER = 'x-load-test-key';
