import { Module } from '@nestjs/common';
import { MetricsService } from '@lib/platform';
import { WalletsModule } from '../wallets/wallets.module';
import { PurchaseSettlementService } from './purchase-settlement.service';
import { RefundMetrics } from './refund.metrics';
import { SettlementsRepository } from './settlements.repository';
import { WaitingPurchasesSweeper } from './waiting-purchases.sweeper';

@Module({
  imports: [WalletsModule],
  providers: [
    SettlementsRepository,
    PurchaseSettlementService,
    {
      provide: RefundMetrics,
      inject: [MetricsService],
      useFactory: (metrics: MetricsService) => new RefundMetrics(metrics.registry),
    },
    WaitingPurchasesSweeper,
  ],
  exports: [PurchaseSettlementService],
})
export class PurchasesModule {}
