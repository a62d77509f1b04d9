import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import type { ErrorBody } from '@lib/contracts';
import { DomainError } from './domain-error';

export interface ErrorResponse {
  status: number;
  body: ErrorBody & Record<string, unknown>;
  headers: Record<string, string>;
}

export function errorBody(
  status: number,
  message: string | string[],
  requestId: string,
  extra: Record<string, unknown> = {},
): ErrorBody & Record<string, unknown> {
  return {
    statusCode: status,
    error: STATUS_CODES[status] ?? 'Error',
    message,
    requestId,
    ...extra,
  };
}

/** A client error without a domain code gets one from its status: 404 → `HTTP.NOT_FOUND`. */
function statusCode(status: number): string {
  const phrase = STATUS_CODES[status] ?? 'Error';
  return `HTTP.${phrase.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
}

/** Fastify's own errors (body too large, malformed JSON, bad media type) carry a 4xx statusCode. */
function clientErrorStatus(exception: unknown): number | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const status = (exception as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/**
 * Maps anything thrown while handling a request to the one error body of docs/architecture.md.
 * Only client errors keep their message; a 5xx never shows a stack, SQL or internal message.
 */
export function toErrorResponse(exception: unknown, requestId: string): ErrorResponse {
  if (exception instanceof DomainError) {
    return {
      status: exception.status,
      body: errorBody(exception.status, exception.message, requestId, {
        ...exception.details,
        code: exception.code,
      }),
      headers: exception.headers,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status >= 500) {
      return {
        status,
        body: errorBody(status, STATUS_CODES[status] ?? 'Error', requestId),
        headers: {},
      };
    }
    const response = exception.getResponse() as string | { message?: unknown; code?: unknown };
    const given = typeof response === 'object' ? response : {};
    const message =
      typeof given.message === 'string' || Array.isArray(given.message)
        ? (given.message as string | string[])
        : exception.message;
    const code = typeof given.code === 'string' ? given.code : statusCode(status);
    return { status, body: errorBody(status, message, requestId, { code }), headers: {} };
  }
  const clientStatus = clientErrorStatus(exception);
  if (clientStatus !== undefined) {
    const message = exception instanceof Error ? exception.message : 'Bad request';
    return {
      status: clientStatus,
      body: errorBody(clientStatus, message, requestId, { code: statusCode(clientStatus) }),
      headers: {},
    };
  }
  return { status: 500, body: errorBody(500, 'Internal server error', requestId), headers: {} };
}
