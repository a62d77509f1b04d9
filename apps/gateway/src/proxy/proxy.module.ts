import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG, AuthModule, authOptionsFromConfig, MetricsService } from '@lib/platform';
import type { AppConfig } from '../config';
import { DocsController } from '../docs/docs.controller';
import { DocsService } from '../docs/docs.service';
import { UpstreamRegistry } from '../discovery/upstream-registry';
import { CircuitBreaker, DEFAULT_BREAKER_OPTIONS } from '../resilience/circuit-breaker';
import { RateLimiter } from '../resilience/rate-limiter';
import { servicesOf, type RouteDefinition } from '../routing/route-table';
import { PlatformController } from '../platform/platform.controller';
import { UpstreamsController } from '../upstreams/upstreams.controller';
import { GatewayMetrics } from './gateway-metrics';
import { ProxyService } from './proxy.service';
import { CIRCUIT_BREAKERS, ROUTE_TABLE } from './proxy.tokens';

/**
 * The gateway: the /api/* proxy over the route table, and its own endpoints
 * (/gateway/upstreams, /docs). Tests pass their own table.
 */
@Module({})
export class ProxyModule {
  static forRoutes(routes: readonly RouteDefinition[]): DynamicModule {
    return {
      module: ProxyModule,
      imports: [
        // The gateway verifies tokens itself, on the proxy path; its own endpoints are public.
        AuthModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => authOptionsFromConfig(config),
          globalGuard: false,
        }),
      ],
      controllers: [UpstreamsController, DocsController, PlatformController],
      providers: [
        { provide: ROUTE_TABLE, useValue: routes },
        {
          provide: GatewayMetrics,
          inject: [MetricsService],
          useFactory: (metrics: MetricsService) => new GatewayMetrics(metrics.registry),
        },
        {
          provide: UpstreamRegistry,
          inject: [APP_CONFIG, GatewayMetrics],
          useFactory: (config: AppConfig, metrics: GatewayMetrics) =>
            new UpstreamRegistry(
              {
                connectionsPerInstance: config.GATEWAY_CONNECTIONS_PER_INSTANCE,
                connectTimeoutMs: config.GATEWAY_CONNECT_TIMEOUT_MS,
              },
              (service, count) => metrics.instances.set({ service }, count),
            ),
        },
        {
          provide: CIRCUIT_BREAKERS,
          inject: [ROUTE_TABLE, GatewayMetrics],
          useFactory: (table: readonly RouteDefinition[], metrics: GatewayMetrics) => {
            const logger = new Logger('CircuitBreaker');
            return new Map(
              servicesOf(table).map((service) => {
                metrics.setCircuitState(service, 'closed');
                const breaker = new CircuitBreaker(DEFAULT_BREAKER_OPTIONS, (state) => {
                  metrics.setCircuitState(service, state);
                  logger.warn({ msg: 'circuit state changed', service, state });
                });
                return [service, breaker] as const;
              }),
            );
          },
        },
        {
          provide: RateLimiter,
          inject: [APP_CONFIG, GatewayMetrics],
          useFactory: (config: AppConfig, metrics: GatewayMetrics) =>
            new RateLimiter(
              config.GATEWAY_RATE_LIMIT_SCALE,
              (route, limit) => metrics.rateLimited.inc({ route: route.prefix, limit }),
              undefined,
              config.GATEWAY_LOAD_TEST_KEY
                ? {
                    key: config.GATEWAY_LOAD_TEST_KEY,
                    limit: {
                      ratePerSecond: config.GATEWAY_LOAD_TEST_RATE,
                      burst: 2 * config.GATEWAY_LOAD_TEST_RATE,
                    },
                  }
                : undefined,
            ),
        },
        ProxyService,
        DocsService,
      ],
    };
  }
}
