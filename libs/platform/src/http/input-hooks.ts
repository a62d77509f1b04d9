import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { REQUEST_ID_HEADER } from '@lib/contracts';
import { DomainError } from '../errors/domain-error';
import { errorBody } from '../errors/error-response';
import { assertSafeParameters, type JsonLimits, parseJsonWithin } from './input-limits';

/**
 * The JSON body parser of every app (in place of Fastify's): the same JSON, but within
 * `limits`, with every string storable, before any validation or handler runs.
 */
export function installJsonParser(fastify: FastifyInstance, limits: JsonLimits): void {
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    (_request, body: string, done) => {
      if (body.length === 0) {
        done(new DomainError('REQUEST.MALFORMED_BODY', 'The body is empty', 400), undefined);
        return;
      }
      try {
        done(null, parseJsonWithin(body, limits));
      } catch (error) {
        done(error as DomainError, undefined);
      }
    },
  );
}

function hostHeaderCount(rawHeaders: string[]): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i].length === 4 && rawHeaders[i].toLowerCase() === 'host') count++;
  }
  return count;
}

/**
 * Refuses, before routing work: query and path parameters with NUL characters or lone
 * surrogates (no database can store them) and a request with more than one Host header (two
 * parts of a chain could each believe a different one).
 */
export function installParameterChecks(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    try {
      if (hostHeaderCount(request.raw.rawHeaders) > 1) {
        throw new DomainError('REQUEST.DUPLICATE_HOST', 'Only one Host header is allowed', 400);
      }
      assertSafeParameters(request.query, 'Query parameters');
      assertSafeParameters(request.params, 'Path parameters');
      done();
    } catch (error) {
      done(error as DomainError);
    }
  });
}

const CLIENT_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'REQUEST.HEADERS_TOO_LARGE',
    message: 'The request headers are too large',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    code: 'REQUEST.TIMEOUT',
    message: 'The request took too long to arrive',
  },
};

/**
 * Node's `clientError`: requests so malformed that no route ever sees them (bad framing,
 * oversized headers). They get the same error body as everything else; the request id is made
 * here since none could be read.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known = error.code === undefined ? undefined : CLIENT_ERRORS[error.code];
  const status = known?.status ?? 400;
  const requestId = randomUUID();
  const body = JSON.stringify(
    errorBody(status, known?.message ?? 'Malformed request', requestId, {
      code: known?.code ?? 'REQUEST.MALFORMED',
    }),
  );
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\n${REQUEST_ID_HEADER}: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
