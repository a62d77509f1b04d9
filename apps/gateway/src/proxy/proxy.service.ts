import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { APP_CONFIG, HealthRegistry, JwtVerifier } from '@lib/platform';
import type { AppConfig } from '../config';
import { ConsulWatcher } from '@lib/platform/discovery';
import { UpstreamRegistry } from '../discovery/upstream-registry';
import { EdgeAuth } from '../edge/edge-auth';
import type { CircuitBreaker } from '../resilience/circuit-breaker';
import { RateLimiter } from '../resilience/rate-limiter';
import { RouteMatcher } from '../routing/route-matcher';
import { servicesOf, type RouteDefinition } from '../routing/route-table';
import { GatewayMetrics } from './gateway-metrics';
import { ProxyHandler } from './proxy.handler';
import { registerProxyRoutes } from './proxy.routes';
import { CIRCUIT_BREAKERS, ROUTE_TABLE } from './proxy.tokens';

/**
 * Puts the proxy together: mounts /api/* on the Fastify instance before it starts listening,
 * follows Consul for every service of the table, and tears both down on shutdown (after the
 * platform has closed the listener, so in-flight requests still had their pools).
 */
@Injectable()
export class ProxyService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Proxy');
  private readonly watcher: ConsulWatcher;

  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(ROUTE_TABLE) private readonly routes: readonly RouteDefinition[],
    @Inject(UpstreamRegistry) private readonly upstreams: UpstreamRegistry,
    @Inject(CIRCUIT_BREAKERS) private readonly breakers: ReadonlyMap<string, CircuitBreaker>,
    @Inject(RateLimiter) private readonly limiter: RateLimiter,
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
    @Inject(JwtVerifier) private readonly verifier: JwtVerifier,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
  ) {
    this.watcher = new ConsulWatcher({
      consulUrl: config.CONSUL_URL,
      services: servicesOf(routes),
      onChange: (service, instances) => {
        this.upstreams.update(service, instances);
        this.logger.log({
          msg: 'instances changed',
          service,
          instances: instances.map((i) => `${i.address}:${i.port}`),
        });
      },
      onError: (service, err) => this.logger.warn({ msg: 'Consul watch failed', service, err }),
    });
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const handler = new ProxyHandler({
      matcher: new RouteMatcher(this.routes),
      upstreams: this.upstreams,
      breakers: this.breakers,
      auth: new EdgeAuth(this.verifier),
      limiter: this.limiter,
      metrics: this.metrics,
      logger: this.logger,
    });
    registerProxyRoutes(fastify, handler, this.metrics);
    for (const service of servicesOf(this.routes)) this.metrics.instances.set({ service }, 0);
    // Ready once every service's list has been read: before that, every route would be 503.
    this.health.register('consul', async () => {
      if (!this.watcher.ready) throw new Error('instance lists not read from Consul yet');
    });
  }

  onApplicationBootstrap(): void {
    this.watcher.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.watcher.stop();
    await this.upstreams.close();
    this.limiter.close();
  }
}
