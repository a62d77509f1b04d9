import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LoggerService } from '@nestjs/common';
import type { Dispatcher } from 'undici';
import { LOAD_TEST_HEADER } from '@lib/contracts';
import { DomainError } from '@lib/platform';
import type { Upstream, UpstreamRegistry } from '../discovery/upstream-registry';
import { EdgeAuth } from '../edge/edge-auth';
import { DEFAULT_BREAKER_OPTIONS, type CircuitBreaker } from '../resilience/circuit-breaker';
import type { RateLimiter } from '../resilience/rate-limiter';
import type { RouteMatcher } from '../routing/route-matcher';
import type { RouteDefinition } from '../routing/route-table';
import type { GatewayMetrics } from './gateway-metrics';
import { clientResponseHeaders, upstreamRequestHeaders } from './header-policy';
import { exchange, UpstreamBodyError, type UpstreamResponse } from './upstream-exchange';

export interface ProxyDependencies {
  matcher: RouteMatcher;
  upstreams: UpstreamRegistry;
  breakers: ReadonlyMap<string, CircuitBreaker>;
  auth: EdgeAuth;
  limiter: RateLimiter;
  metrics: GatewayMetrics;
  logger: Pick<LoggerService, 'warn'>;
}

/**
 * - `not-sent`: no connection was made (refused, connect timeout, pool already closed), so
 *   the instance never saw the request and any method may go elsewhere.
 * - `reset`: the connection broke after the request was written; the instance may have acted.
 * - `timeout`: no response headers within the route's timeout.
 */
type Failure = 'not-sent' | 'reset' | 'timeout' | 'other';

const NOT_SENT = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

function classify(error: unknown): Failure {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return 'other';
  if (NOT_SENT.has(code)) return 'not-sent';
  if (RESET.has(code)) return 'reset';
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return 'timeout';
  return 'other';
}

/**
 * The answers that count against a service's breaker: it said it cannot serve (503), or a
 * proxy or dependency behind it failed (502, 504). Connection failures and timeouts count too
 * (`forward` throws). Any other answer, 500 included, is about the one request that got it: a
 * client can provoke a 500 with crafted input, and must not be able to open the circuit for
 * everyone; a service that cannot serve anybody fails its readiness check and leaves Consul.
 */
const UPSTREAM_FAULTS = new Set([502, 503, 504]);

export function isUpstreamFault(statusCode: number): boolean {
  return UPSTREAM_FAULTS.has(statusCode);
}

const INLINE_BODY_BYTES = 64 * 1024;

/** The instance answered, then broke off or stalled while sending the body. */
function bodyFailure(service: string, error: unknown): DomainError {
  return (error as { code?: unknown }).code === 'UND_ERR_BODY_TIMEOUT'
    ? new DomainError('GATEWAY.UPSTREAM_TIMEOUT', `${service} did not answer in time`, 504)
    : new DomainError('GATEWAY.UPSTREAM_FAILED', `${service} could not complete the request`, 502);
}

/** Where the onResponse hook finds the route for `gateway_requests_total`. */
export const ROUTE_OF_REQUEST = Symbol('gatewayRoute');
export type ProxiedRequest = FastifyRequest & { [ROUTE_OF_REQUEST]?: RouteDefinition };

/**
 * The hot path for /api/*: route, edge auth, rate limits, breaker, then one keep-alive
 * request to an instance (and at most one retry on another). Every refusal is a DomainError,
 * which the platform's error handler turns into the standard error body.
 */
export class ProxyHandler {
  constructor(private readonly deps: ProxyDependencies) {}

  async handle(request: ProxiedRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { matcher, limiter, auth, upstreams, breakers } = this.deps;
    const url = request.url;
    const queryAt = url.indexOf('?');
    const match = matcher.match(queryAt === -1 ? url : url.slice(0, queryAt));
    if (match.kind === 'invalid-path') {
      throw new DomainError('GATEWAY.INVALID_PATH', match.reason, 400);
    }
    if (match.kind === 'no-route') {
      throw new DomainError('GATEWAY.NO_ROUTE', 'No service serves this path', 404);
    }
    const route = match.route;
    request[ROUTE_OF_REQUEST] = route;

    limiter.consumeIp(route, request.ip, request.headers[LOAD_TEST_HEADER]);
    if (EdgeAuth.requiresToken(route, request.method)) {
      const user = await auth.authenticate(route, request.method, request.headers.authorization);
      if (user) limiter.consumeUser(route, user.id);
    }

    const service = route.service;
    if (upstreams.instanceCount(service) === 0) {
      throw new DomainError(
        'GATEWAY.NO_HEALTHY_INSTANCE',
        `No healthy instance of ${service}`,
        503,
      );
    }
    const breaker = breakers.get(service);
    if (breaker && !breaker.tryAcquire()) {
      throw new DomainError(
        'GATEWAY.CIRCUIT_OPEN',
        `${service} is failing; requests are paused for a few seconds`,
        503,
        { 'Retry-After': String(Math.ceil(DEFAULT_BREAKER_OPTIONS.openMs / 1000)) },
      );
    }
    let healthy = false;
    try {
      const response = await this.forward(route, request);
      healthy = !isUpstreamFault(response.statusCode);
      return reply
        .code(response.statusCode)
        .headers(clientResponseHeaders(response.headers))
        .send(response.body);
    } finally {
      breaker?.record(healthy);
    }
  }

  private async forward(
    route: RouteDefinition,
    request: FastifyRequest,
  ): Promise<UpstreamResponse> {
    const { upstreams, metrics, logger } = this.deps;
    const service = route.service;
    const options: Dispatcher.DispatchOptions = {
      path: request.url,
      method: request.method as Dispatcher.HttpMethod,
      headers: upstreamRequestHeaders(request.headers, {
        requestId: String(request.id),
        clientAddress: request.ip,
        host: request.headers.host,
        protocol: request.protocol,
      }),
      body: request.body as Buffer | undefined,
      headersTimeout: route.timeoutMs,
      bodyTimeout: route.timeoutMs,
    };
    let upstream: Upstream | undefined = upstreams.pick(service);
    for (let attempt = 1; upstream !== undefined; attempt++) {
      const current: Upstream = upstream;
      const started = performance.now();
      current.outstanding++;
      try {
        // Small bodies (most JSON answers) come whole and go out with the headers in one write;
        // larger or unsized ones stream, so memory stays bounded.
        const response = await exchange(current.pool, options, INLINE_BODY_BYTES);
        metrics.upstreamDuration.observe(
          { service, status_code: String(response.statusCode) },
          (performance.now() - started) / 1000,
        );
        return response;
      } catch (error) {
        if (error instanceof UpstreamBodyError) throw bodyFailure(service, error.cause);
        const failure = classify(error);
        if (failure === 'not-sent') upstreams.eject(current);
        const retry =
          attempt === 1 &&
          (failure === 'not-sent' ||
            (failure === 'reset' && route.retryableMethods.includes(request.method)));
        upstream = retry ? upstreams.pick(service, current) : undefined;
        logger.warn({
          msg: 'upstream request failed',
          err: error,
          requestId: request.id,
          service,
          instance: current.instance.id,
          failure,
          retried: upstream !== undefined,
        });
        if (upstream !== undefined) {
          metrics.retries.inc({ service, reason: failure });
          continue;
        }
        if (failure === 'timeout') {
          throw new DomainError(
            'GATEWAY.UPSTREAM_TIMEOUT',
            `${service} did not answer in time`,
            504,
          );
        }
        throw new DomainError(
          'GATEWAY.UPSTREAM_FAILED',
          `${service} could not complete the request`,
          502,
        );
      } finally {
        current.outstanding--;
      }
    }
    throw new DomainError('GATEWAY.NO_HEALTHY_INSTANCE', `No healthy instance of ${service}`, 503);
  }
}
