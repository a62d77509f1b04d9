import { Module } from '@nestjs/common';
import { EpisodesModule } from '../episodes/episodes.module';
import { PurchasesModule } from '../purchases/purchases.module';
import { GrantEntitlementWhenPaymentSucceededHandler } from './grant-entitlement-when-payment-succeeded.handler';
import { MarkPurchaseDeclinedWhenPaymentDeclinedHandler } from './mark-purchase-declined-when-payment-declined.handler';

/** Webtoon's reactions to other services' events: payment's answers to purchase requests. */
@Module({
  imports: [EpisodesModule, PurchasesModule],
  providers: [
    GrantEntitlementWhenPaymentSucceededHandler,
    MarkPurchaseDeclinedWhenPaymentDeclinedHandler,
  ],
})
export class WebtoonEventsModule {}
