import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_CONFIG, BaseConfig } from '../config/config';
import { HealthController } from '../health/health.controller';
import { HealthRegistry } from '../health/health.registry';
import { MetricsController } from '../metrics/metrics.controller';
import { MetricsService } from '../metrics/metrics.service';
import { APP_NAME } from './tokens';

/** What every app gets the same way: its config, health endpoints and metrics. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(name: string, config: BaseConfig): DynamicModule {
    return {
      module: PlatformModule,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: APP_NAME, useValue: name },
        { provide: APP_CONFIG, useValue: config },
        HealthRegistry,
        MetricsService,
      ],
      exports: [APP_NAME, APP_CONFIG, HealthRegistry, MetricsService],
    };
  }
}
