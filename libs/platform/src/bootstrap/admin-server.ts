import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../errors/domain-error';

/** Paths every app serves on its admin port only. */
export const ADMIN_PATHS: readonly string[] = ['/health/', '/metrics', '/openapi.json'];

const viaAdmin = Symbol('viaAdminPort');
type AdminRequest = IncomingMessage & { [viaAdmin]?: true };

function isAdminPath(url: string, prefixes: readonly string[]): boolean {
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  return prefixes.some((prefix) =>
    prefix.endsWith('/') ? path.startsWith(prefix) : path === prefix,
  );
}

/**
 * The admin listener's server: a second HTTP server handing its requests to the same Fastify
 * instance (same routes, hooks, metrics and error body), marked so the public port and the
 * admin port each answer only their own paths. Not listening until `bootstrap` says so; tests
 * drive it with supertest like the public one.
 */
export function createAdminServer(fastify: FastifyInstance): Server {
  const server = createServer((request: AdminRequest, response) => {
    request[viaAdmin] = true;
    fastify.routing(request, response);
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  return server;
}

/**
 * Answers 404 on the public port for the admin paths (`prefixes`: ADMIN_PATHS and the app's
 * own), and on the admin port for everything else, as if the route did not exist there.
 */
export function installPortSeparation(fastify: FastifyInstance, prefixes: readonly string[]): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const admin = (request.raw as AdminRequest)[viaAdmin] === true;
    if (admin === isAdminPath(request.url, prefixes)) {
      done();
      return;
    }
    done(
      new DomainError(
        'HTTP.NOT_FOUND',
        `Cannot ${request.method} ${request.url.split('?')[0]}`,
        404,
      ),
    );
  });
}
