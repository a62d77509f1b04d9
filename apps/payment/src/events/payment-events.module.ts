import { Module } from '@nestjs/common';
import { PostgresDeletedAccountsModule } from '@lib/platform/postgres';
import { PurchasesModule } from '../purchases/purchases.module';
import { WalletsModule } from '../wallets/wallets.module';
import { CloseWalletWhenUserDeletedHandler } from './close-wallet-when-user-deleted.handler';
import { OpenWalletWhenUserRegisteredHandler } from './open-wallet-when-user-registered.handler';
import { RefundPurchaseWhenExpiredHandler } from './refund-purchase-when-expired.handler';
import { SettlePurchaseWhenRequestedHandler } from './settle-purchase-when-requested.handler';

/**
 * Payment's reactions to other services' events: auth's user lifecycle opens and closes
 * wallets (opening one also settles the purchases that waited for it), webtoon's purchase
 * requests and expiries are settled or refunded.
 */
@Module({
  imports: [PostgresDeletedAccountsModule, WalletsModule, PurchasesModule],
  providers: [
    OpenWalletWhenUserRegisteredHandler,
    CloseWalletWhenUserDeletedHandler,
    SettlePurchaseWhenRequestedHandler,
    RefundPurchaseWhenExpiredHandler,
  ],
})
export class PaymentEventsModule {}
