import { Module } from '@nestjs/common';
import { MetricsService } from '@lib/platform';
import { OpenWalletWhenUserRegisteredHandler } from '../events/open-wallet-when-user-registered.handler';
import { RefundPurchaseWhenExpiredHandler } from '../events/refund-purchase-when-expired.handler';
import { SettlePurchaseWhenRequestedHandler } from '../events/settle-purchase-when-requested.handler';
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
    // Here rather than in WalletsModule: opening a wallet settles the purchases that waited for it.
    OpenWalletWhenUserRegisteredHandler,
    SettlePurchaseWhenRequestedHandler,
    RefundPurchaseWhenExpiredHandler,
  ],
})
export class PurchasesModule {}
