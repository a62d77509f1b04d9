import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CachedBody } from './read-cache';

/**
 * Sends a pre-serialised body with its ETag, or 304 when the client already holds it. This
 * is the read path's fast lane: no serialisation per request.
 */
export function sendCached(
  request: FastifyRequest,
  reply: FastifyReply,
  cached: CachedBody,
  cacheControl: string,
): void {
  void reply.header('etag', cached.etag).header('cache-control', cacheControl);
  const given = request.headers['if-none-match'];
  if (given && given.split(',').some((tag) => tag.trim() === cached.etag || tag.trim() === '*')) {
    void reply.status(304).send();
    return;
  }
  void reply.type('application/json; charset=utf-8').send(cached.body);
}
