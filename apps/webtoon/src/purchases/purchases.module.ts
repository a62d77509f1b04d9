import { Module } from '@nestjs/common';
import { EpisodesModule } from '../episodes/episodes.module';
import { GrantEntitlementWhenPaymentSucceededHandler } from '../events/grant-entitlement-when-payment-succeeded.handler';
import { MarkPurchaseDeclinedWhenPaymentDeclinedHandler } from '../events/mark-purchase-declined-when-payment-declined.handler';
import { PurchasesController } from './purchases.controller';
import { PurchasesRepository } from './purchases.repository';
import { PurchasesService } from './purchases.service';

@Module({
  imports: [EpisodesModule],
  controllers: [PurchasesController],
  providers: [
    PurchasesRepository,
    PurchasesService,
    GrantEntitlementWhenPaymentSucceededHandler,
    MarkPurchaseDeclinedWhenPaymentDeclinedHandler,
  ],
})
export class PurchasesModule {}
