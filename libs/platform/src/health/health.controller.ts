import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/public.decorator';
import { HealthRegistry } from './health.registry';

// Probed by Consul, Kubernetes and load balancers, which carry no token.
@Public()
@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthRegistry) {}

  /** The process answers: restart it only if this fails. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Its dependencies answer: route traffic to it only if this passes. */
  @Get('ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const report = await this.health.readiness();
    const status = report.ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE;
    void reply
      .status(status)
      .send({ status: report.ready ? 'ok' : 'unavailable', checks: report.checks });
  }
}
