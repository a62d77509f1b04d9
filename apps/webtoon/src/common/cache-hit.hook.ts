import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EpisodeForReading } from '../episodes/episodes.service';
import { cacheKeys } from '../series/series.service';
import { ViewCounter } from '../views/view-counter';
import { ReadCache, type CachedBody } from './read-cache';
import { sendCached } from './send-cached';

const SERIES_ROUTE = '/api/webtoons/:id';
const EPISODE_ROUTE = '/api/webtoons/:id/episodes/:no';
const CANONICAL_NO = /^[1-9]\d{0,9}$/;

/**
 * The hottest reads' fast lane. A Fastify preHandler answers a series or free-episode GET
 * straight from the read cache when the cache holds it, before Nest's guard/pipe/handler
 * pipeline; on a miss (or a paid episode, which needs the caller's entitlement) the request
 * continues to the controller, which validates, loads and fills the cache. Both lanes send
 * the same bytes and headers, and the platform's Fastify hooks (request id, metrics, access
 * log) run for both. docs/webtoon.md has the measurements behind it.
 */
@Injectable()
export class CacheHitHook implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly cache: ReadCache,
    private readonly views: ViewCounter,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const publicCaching = `public, max-age=${this.cache.ttlSeconds}`;
    fastify.addHook('preHandler', (request: FastifyRequest, reply: FastifyReply, done) => {
      if (request.method !== 'GET') return done();
      const route = request.routeOptions.url;
      const params = request.params as Record<string, string>;
      if (route === SERIES_ROUTE) {
        const hit = this.cache.peek<CachedBody>(cacheKeys.series(params.id));
        if (hit) return sendCached(request, reply, hit, publicCaching);
      } else if (route === EPISODE_ROUTE && CANONICAL_NO.test(params.no)) {
        const episode = this.cache.peek<EpisodeForReading>(
          cacheKeys.episode(params.id, Number(params.no)),
        );
        if (episode && episode.priceCoins === 0) {
          this.views.record(episode.seriesId, episode.id);
          return sendCached(request, reply, episode.cached, publicCaching);
        }
      }
      done();
    });
  }
}
