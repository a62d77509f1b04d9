import type { FastifyInstance } from 'fastify';
import type { GatewayMetrics } from './gateway-metrics';
import { ROUTE_OF_REQUEST, type ProxiedRequest, type ProxyHandler } from './proxy.handler';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** Slow or endless headers tie up a socket each; at the edge that is an attack, not a client. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Mounts the proxy on the raw Fastify instance, beside Nest's routes rather than inside them,
 * so the hot path pays for Fastify's routing only (no guards, pipes or interceptors).
 * In its own plugin scope: the body parser below applies to /api/* and nothing else.
 */
export function registerProxyRoutes(
  fastify: FastifyInstance,
  proxy: ProxyHandler,
  metrics: GatewayMetrics,
): void {
  fastify.server.headersTimeout = HEADERS_TIMEOUT_MS;
  fastify.server.requestTimeout = REQUEST_TIMEOUT_MS;

  void fastify.register(async (scope) => {
    // Bodies are passed on as bytes, whatever their type: parsing is the service's job.
    // Buffered (up to the app's body limit, 413 past it) so a retry can send them again.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
      done(null, body);
    });
    scope.addHook('onResponse', (request: ProxiedRequest, reply, done) => {
      const route = request[ROUTE_OF_REQUEST];
      metrics.requests.inc({
        route: route?.prefix ?? 'unmatched',
        service: route?.service ?? 'none',
        status_code: String(reply.statusCode),
      });
      done();
    });
    // `/*` only gets what no other route takes: the gateway's own endpoints keep theirs, and
    // the route table sends the rest to the web front-end (an unmatched /api path is a 404).
    for (const url of ['/api/*', '/*']) {
      scope.route({
        method: METHODS,
        url,
        exposeHeadRoute: false,
        handler: (request, reply) => proxy.handle(request, reply),
      });
    }
  });
}
