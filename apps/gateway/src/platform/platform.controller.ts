import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, JwtAuthGuard, Roles } from '@lib/platform';
import type { AppConfig } from '../config';
import { UpstreamRegistry } from '../discovery/upstream-registry';
import type { CircuitBreaker } from '../resilience/circuit-breaker';
import { CIRCUIT_BREAKERS } from '../proxy/proxy.tokens';
import { PlatformOverview } from './platform-overview';
import { OverviewResponse } from './platform-overview.dto';
import { PrometheusClient } from './prometheus-client';

/** Several consoles polling every few seconds share one round of queries. */
const CACHE_MS = 2_000;

/** The platform console's data (apps/web `/console`): admins only, Prometheus read server-side. */
@ApiTags('platform')
@ApiBearerAuth()
@Controller('api/platform')
@UseGuards(JwtAuthGuard)
export class PlatformController {
  private readonly overview: PlatformOverview;
  private cached?: { at: number; answer: Promise<OverviewResponse> };

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(UpstreamRegistry) upstreams: UpstreamRegistry,
    @Inject(CIRCUIT_BREAKERS) breakers: ReadonlyMap<string, CircuitBreaker>,
  ) {
    this.overview = new PlatformOverview(
      {
        snapshot: () => upstreams.snapshot(),
        circuits: () => [...breakers].map(([service, b]) => [service, b.currentState]),
      },
      config.PROMETHEUS_URL ? new PrometheusClient(config.PROMETHEUS_URL) : undefined,
    );
  }

  @Get('overview')
  @Roles('admin')
  @ApiOperation({
    summary: 'Services, instances, rates, errors, p99, events, dead letters and the purchase saga',
  })
  @ApiOkResponse({ type: OverviewResponse })
  read(): Promise<OverviewResponse> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > CACHE_MS) {
      this.cached = { at: now, answer: this.overview.read() };
    }
    return this.cached.answer;
  }
}
