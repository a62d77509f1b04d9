import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UpstreamRegistry } from '../discovery/upstream-registry';
import type { CircuitBreaker } from '../resilience/circuit-breaker';
import { CIRCUIT_BREAKERS } from '../proxy/proxy.tokens';
import { UpstreamsResponse } from './upstreams.dto';

@ApiTags('gateway')
@Controller('gateway/upstreams')
export class UpstreamsController {
  constructor(
    @Inject(UpstreamRegistry) private readonly upstreams: UpstreamRegistry,
    @Inject(CIRCUIT_BREAKERS) private readonly breakers: ReadonlyMap<string, CircuitBreaker>,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Instances the gateway routes to, per service, with breaker state' })
  @ApiOkResponse({ type: UpstreamsResponse })
  list(): UpstreamsResponse {
    const known = new Map(this.upstreams.snapshot().map((s) => [s.service, s.instances]));
    return {
      services: [...this.breakers].map(([service, breaker]) => ({
        service,
        circuit: breaker.currentState,
        instances: (known.get(service) ?? []).map((i) => ({
          id: i.id,
          address: i.address,
          port: i.port,
          version: i.meta.version,
          outstanding: i.outstanding,
          health: i.ejected ? 'ejected' : 'passing',
        })),
      })),
    };
  }
}
