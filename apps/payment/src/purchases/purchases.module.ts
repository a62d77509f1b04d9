import { Module } from '@nestjs/common';
import { MetricsService } from '@lib/platform';
import { RefundPurchaseWhenExpiredHandler } from '../events/refund-purchase-when-expired.handler';
import { SettlePurchaseWhenRequestedHandler } from '../events/settle-purchase-when-requested.handler';
import { WalletsModule } from '../wallets/wallets.module';
import { PurchaseSettlementService } from './purchase-settlement.service';
import { RefundMetrics } from './refund.metrics';
import { SettlementsRepository } from './settlements.repository';

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
    SettlePurchaseWhenRequestedHandler,
    RefundPurchaseWhenExpiredHandler,
  ],
})
export class PurchasesModule {}
