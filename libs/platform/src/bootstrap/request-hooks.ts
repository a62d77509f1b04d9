import { AsyncResource } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { REQUEST_ID_HEADER } from '@lib/contracts';
import { runWithRequestId } from '../context/request-context';
import type { AccessEntry } from '../logging/logger';
import type { MetricsService } from '../metrics/metrics.service';

const contextResource = Symbol('contextResource');
const startedAt = Symbol('startedAt');

type TrackedRequest = FastifyRequest & { [contextResource]?: AsyncResource; [startedAt]?: number };

// Probes and scrapes would drown the access log; they are still measured.
const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * Per-request plumbing on the raw Fastify instance, so it runs for every route, including
 * requests rejected before Nest's handlers (body too large, malformed JSON, unknown route):
 * request id in and out, the async context carrying it (unless `requestContext` is false),
 * metrics and one access log line.
 */
export function installRequestHooks(
  fastify: FastifyInstance,
  metrics: MetricsService,
  accessLog: (entry: AccessEntry, quiet: boolean) => void,
  isDraining: () => boolean,
  requestContext: boolean,
): void {
  const start = (request: TrackedRequest, reply: FastifyReply) => {
    request[startedAt] = performance.now();
    void reply.header(REQUEST_ID_HEADER, request.id);
  };
  if (!requestContext) {
    fastify.addHook('onRequest', (request: TrackedRequest, reply, done) => {
      start(request, reply);
      done();
    });
  } else {
    fastify.addHook('onRequest', (request: TrackedRequest, reply, done) => {
      start(request, reply);
      runWithRequestId(String(request.id), () => {
        // Only a request with a body resumes from socket events later; most reads have none.
        if (request.headers['content-length'] || request.headers['transfer-encoding']) {
          request[contextResource] = new AsyncResource('platform.request');
        }
        done();
      });
    });
    // Body parsing resumes from socket events, outside the context entered above; re-enter it.
    fastify.addHook('preValidation', (request: TrackedRequest, _reply, done) => {
      const resource = request[contextResource];
      if (resource) resource.runInAsyncScope(done);
      else done();
    });
  }

  // While draining, ask keep-alive clients to reconnect elsewhere, so the listener can close
  // as soon as the in-flight requests are done rather than when idle sockets time out.
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (isDraining()) void reply.header('connection', 'close');
    done(null, payload);
  });

  fastify.addHook('onResponse', (request: TrackedRequest, reply: FastifyReply, done) => {
    const seconds = (performance.now() - (request[startedAt] ?? performance.now())) / 1000;
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequestDuration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      seconds,
    );
    accessLog(
      {
        requestId: String(request.id),
        method: request.method,
        route,
        status: reply.statusCode,
        ms: Math.round(seconds * 10_000) / 10,
      },
      QUIET_ROUTES.has(route),
    );
    request[contextResource]?.emitDestroy();
    done();
  });
}
