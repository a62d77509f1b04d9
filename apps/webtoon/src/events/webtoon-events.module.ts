import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { EpisodesModule } from '../episodes/episodes.module';
import { PurchasesModule } from '../purchases/purchases.module';
import { AnonymiseUserWhenDeletedHandler } from './anonymise-user-when-deleted.handler';
import { GrantEntitlementWhenPaymentSucceededHandler } from './grant-entitlement-when-payment-succeeded.handler';
import { MarkPurchaseDeclinedWhenPaymentDeclinedHandler } from './mark-purchase-declined-when-payment-declined.handler';

/**
 * Webtoon's reactions to other services' events: payment's answers to purchase requests, and
 * auth's account deletions (anonymised and remembered).
 */
@Module({
  imports: [AccountsModule, EpisodesModule, PurchasesModule],
  providers: [
    AnonymiseUserWhenDeletedHandler,
    GrantEntitlementWhenPaymentSucceededHandler,
    MarkPurchaseDeclinedWhenPaymentDeclinedHandler,
  ],
})
export class WebtoonEventsModule {}
