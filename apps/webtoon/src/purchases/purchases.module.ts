import { Module } from '@nestjs/common';
import { MetricsService } from '@lib/platform';
import { DataSource } from 'typeorm';
import { EpisodesModule } from '../episodes/episodes.module';
import { PurchaseExpirySweeper } from './purchase-expiry.sweeper';
import { PurchaseMetrics } from './purchase.metrics';
import { PurchaseSettlements } from './purchase-settlements';
import { PurchasesController } from './purchases.controller';
import { PurchasesRepository } from './purchases.repository';
import { PurchasesService } from './purchases.service';

@Module({
  imports: [EpisodesModule],
  controllers: [PurchasesController],
  providers: [
    PurchasesRepository,
    PurchasesService,
    PurchaseExpirySweeper,
    PurchaseSettlements,
    {
      provide: PurchaseMetrics,
      inject: [MetricsService, DataSource, PurchasesRepository],
      useFactory: (metrics: MetricsService, dataSource: DataSource, repo: PurchasesRepository) =>
        new PurchaseMetrics(metrics.registry, () => repo.countPending(dataSource.manager)),
    },
  ],
  exports: [PurchasesRepository, PurchaseMetrics],
})
export class PurchasesModule {}
