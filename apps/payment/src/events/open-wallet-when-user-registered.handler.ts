import { Inject, Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@lib/contracts';
import { APP_CONFIG } from '@lib/platform';
import { OnEvent } from '@lib/platform/events';
import { OutboxPublisher } from '@lib/platform/postgres';
import type { EntityManager } from 'typeorm';
import type { AppConfig } from '../config';
import { PurchaseSettlementService } from '../purchases/purchase-settlement.service';
import { LedgerRepository } from '../wallets/ledger.repository';

/**
 * A new account gets a wallet, credited with the signup bonus through the ledger; purchases
 * that reached payment before the wallet existed (kept `waiting`) are settled right after.
 */
@Injectable()
export class OpenWalletWhenUserRegisteredHandler {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ledger: LedgerRepository,
    private readonly outbox: OutboxPublisher,
    private readonly purchases: PurchaseSettlementService,
  ) {}

  @OnEvent('auth.user.registered.v1')
  async handle(event: EventEnvelope<'auth.user.registered.v1'>, tx: EntityManager): Promise<void> {
    const { userId } = event.data;
    const wallet = await this.ledger.openWallet(tx, userId);
    // Already opened (the same user registered twice in the log, e.g. after a replay).
    if (!wallet) return;
    let balance = 0;
    if (this.config.SIGNUP_BONUS_COINS > 0) {
      const posted = await this.ledger.post(tx, {
        kind: 'signup_bonus',
        reference: userId,
        walletId: wallet.id,
        amount: this.config.SIGNUP_BONUS_COINS,
        counterAccount: 'system:signup_bonus',
      });
      balance = posted.balanceAfter;
    }
    await this.outbox.publish(tx, 'payment.wallet.opened.v1', {
      walletId: wallet.id,
      userId,
      balance,
    });
    await this.purchases.settleWaiting(tx, userId);
  }
}
