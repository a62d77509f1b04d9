import { Module } from '@nestjs/common';
import { SettlePurchaseWhenRequestedHandler } from '../events/settle-purchase-when-requested.handler';
import { WalletsModule } from '../wallets/wallets.module';
import { PurchaseSettlementService } from './purchase-settlement.service';
import { SettlementsRepository } from './settlements.repository';

@Module({
  imports: [WalletsModule],
  providers: [SettlementsRepository, PurchaseSettlementService, SettlePurchaseWhenRequestedHandler],
})
export class PurchasesModule {}
