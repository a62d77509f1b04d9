import { Injectable } from '@nestjs/common';
import type { PurchaseRequestedV1 } from '@lib/contracts';
import { OutboxPublisher } from '@lib/platform';
import type { EntityManager } from 'typeorm';
import { LedgerRepository } from '../wallets/ledger.repository';
import { SettlementsRepository, type Settlement } from './settlements.repository';

/**
 * Step 2 of the purchase saga: debit the buyer's wallet once, or decline. Runs inside the
 * event's transaction, so the debit, the settlement row, the outcome event and the record
 * that this event was applied commit together or not at all.
 */
@Injectable()
export class PurchaseSettlementService {
  constructor(
    private readonly ledger: LedgerRepository,
    private readonly settlements: SettlementsRepository,
    private readonly outbox: OutboxPublisher,
  ) {}

  async settle(tx: EntityManager, request: PurchaseRequestedV1): Promise<Settlement> {
    if (!Number.isSafeInteger(request.priceCoins) || request.priceCoins <= 0) {
      // A contract violation, not a business outcome: fail so the event goes to the dead letters.
      throw new Error(`purchase ${request.purchaseId} has an invalid price ${request.priceCoins}`);
    }
    // The wallet lock comes first: a second request for the same purchase waits here, then
    // finds the first one's settlement below instead of debiting again.
    const wallet = await this.ledger.lockWallet(tx, request.userId);
    const earlier = await this.settlements.find(tx, request.purchaseId);
    if (earlier) {
      // The same purchase asked again (a new event for it): answer with the outcome it had.
      await this.publishOutcome(tx, earlier);
      return earlier;
    }
    const base = {
      purchaseId: request.purchaseId,
      userId: request.userId,
      amount: request.priceCoins,
    };
    let settlement: Settlement;
    if (!wallet || wallet.status === 'closed' || wallet.balance < request.priceCoins) {
      const reason = !wallet
        ? 'WALLET_NOT_FOUND'
        : wallet.status === 'closed'
          ? 'WALLET_CLOSED'
          : 'INSUFFICIENT_FUNDS';
      settlement = {
        ...base,
        status: 'declined',
        reason,
        transactionId: null,
        balanceAfter: null,
      };
    } else {
      const posted = await this.ledger.post(tx, {
        kind: 'purchase',
        reference: request.purchaseId,
        walletId: wallet.id,
        amount: -request.priceCoins,
        counterAccount: 'system:episode_sales',
      });
      settlement = { ...base, status: 'succeeded', reason: null, ...posted };
    }
    await this.settlements.insert(tx, settlement);
    await this.publishOutcome(tx, settlement);
    return settlement;
  }

  private async publishOutcome(tx: EntityManager, settlement: Settlement): Promise<void> {
    if (settlement.status === 'succeeded') {
      await this.outbox.publish(tx, 'payment.purchase.succeeded.v1', {
        purchaseId: settlement.purchaseId,
        userId: settlement.userId,
        amountCoins: settlement.amount,
        transactionId: settlement.transactionId ?? '',
        balanceAfter: settlement.balanceAfter ?? 0,
      });
    } else {
      await this.outbox.publish(tx, 'payment.purchase.declined.v1', {
        purchaseId: settlement.purchaseId,
        userId: settlement.userId,
        amountCoins: settlement.amount,
        reason: settlement.reason ?? 'INSUFFICIENT_FUNDS',
      });
    }
  }
}
