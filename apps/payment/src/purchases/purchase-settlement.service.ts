import { Inject, Injectable } from '@nestjs/common';
import type { PurchaseExpiredV1, PurchaseRequestedV1 } from '@lib/contracts';
import { APP_CONFIG } from '@lib/platform';
import { OutboxPublisher } from '@lib/platform/postgres';
import type { EntityManager } from 'typeorm';
import type { AppConfig } from '../config';
import { LedgerRepository, type WalletRow } from '../wallets/ledger.repository';
import { RefundMetrics } from './refund.metrics';
import { SettlementsRepository, type Settlement } from './settlements.repository';

/**
 * Step 2 of the purchase saga: debit the buyer's wallet once, or decline; and its
 * compensation: give a debit back when the purchase expired. Runs inside the event's
 * transaction, so the ledger entries, the settlement row, the outcome event and the record
 * that this event was applied commit together or not at all.
 */
@Injectable()
export class PurchaseSettlementService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'WALLET_WAIT_SECONDS'>,
    private readonly ledger: LedgerRepository,
    private readonly settlements: SettlementsRepository,
    private readonly outbox: OutboxPublisher,
    private readonly refunds: RefundMetrics,
  ) {}

  /**
   * `requestedAt` is when webtoon asked: a buyer without a wallet is declined only once the
   * wallet had WALLET_WAIT_SECONDS to appear (a new user whose signup event is still on its
   * way); until then the request is kept `waiting`, and the signup settles it.
   */
  async settle(
    tx: EntityManager,
    request: PurchaseRequestedV1,
    requestedAt: Date,
    now = new Date(),
  ): Promise<Settlement> {
    if (!Number.isSafeInteger(request.priceCoins) || request.priceCoins <= 0) {
      // A contract violation, not a business outcome: fail so the event goes to the dead letters.
      throw new Error(`purchase ${request.purchaseId} has an invalid price ${request.priceCoins}`);
    }
    // The wallet lock comes first: a second request for the same purchase (or its expiry)
    // waits here, then finds the first one's settlement below instead of debiting again.
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
    const waitUntil = new Date(requestedAt.getTime() + this.config.WALLET_WAIT_SECONDS * 1000);
    if (!wallet && now < waitUntil) {
      const waiting: Settlement = {
        ...base,
        status: 'waiting',
        reason: null,
        transactionId: null,
        balanceAfter: null,
        waitUntil,
      };
      await this.settlements.insert(tx, waiting);
      return waiting;
    }
    const settlement = await this.decide(tx, wallet, base);
    await this.settlements.insert(tx, settlement);
    await this.publishOutcome(tx, settlement);
    return settlement;
  }

  /** The user's wallet has just opened (in `tx`): settle the purchases that waited for it. */
  async settleWaiting(tx: EntityManager, userId: string): Promise<Settlement[]> {
    const settled: Settlement[] = [];
    for (const waiting of await this.settlements.waitingOf(tx, userId)) {
      // Read again each time: the previous debit changed the balance.
      const wallet = await this.ledger.lockWallet(tx, userId);
      const settlement = await this.decide(tx, wallet, waiting);
      await this.settlements.settleWaiting(tx, settlement);
      await this.publishOutcome(tx, settlement);
      settled.push(settlement);
    }
    return settled;
  }

  /** Declines the waiting purchases whose wallet did not appear in time; returns them. */
  async declineOverdue(tx: EntityManager, limit: number): Promise<Settlement[]> {
    const declined: Settlement[] = [];
    for (const waiting of await this.settlements.overdue(tx, limit)) {
      const settlement = await this.decide(tx, undefined, waiting);
      await this.settlements.settleWaiting(tx, settlement);
      await this.publishOutcome(tx, settlement);
      declined.push(settlement);
    }
    return declined;
  }

  /** Debit or decline, for a purchase with this (locked) wallet or none. */
  private async decide(
    tx: EntityManager,
    wallet: WalletRow | undefined,
    base: Pick<Settlement, 'purchaseId' | 'userId' | 'amount'>,
  ): Promise<Settlement> {
    const { purchaseId, userId, amount } = base;
    if (!wallet || wallet.status === 'closed' || wallet.balance < amount) {
      const reason = !wallet
        ? 'WALLET_NOT_FOUND'
        : wallet.status === 'closed'
          ? 'WALLET_CLOSED'
          : 'INSUFFICIENT_FUNDS';
      return {
        purchaseId,
        userId,
        amount,
        status: 'declined',
        reason,
        transactionId: null,
        balanceAfter: null,
      };
    }
    const posted = await this.ledger.post(tx, {
      kind: 'purchase',
      reference: purchaseId,
      walletId: wallet.id,
      amount: -amount,
      counterAccount: 'system:episode_sales',
    });
    return { purchaseId, userId, amount, status: 'succeeded', reason: null, ...posted };
  }

  /**
   * The purchase expired in webtoon. Its request came first on the same partition, so it is
   * settled by now, unless it was dead-lettered: a debit is refunded (once: the refund's ledger
   * transaction is unique per purchase id); with no settlement yet, one is recorded as
   * `cancelled` so that a late (replayed) request never debits.
   */
  async expire(tx: EntityManager, expired: PurchaseExpiredV1): Promise<Settlement['status']> {
    const wallet = await this.ledger.lockWallet(tx, expired.userId);
    const earlier = await this.settlements.find(tx, expired.purchaseId);
    if (earlier?.status === 'waiting') {
      await this.settlements.cancelWaiting(tx, expired.purchaseId);
      return 'cancelled';
    }
    if (!earlier) {
      await this.settlements.insert(tx, {
        purchaseId: expired.purchaseId,
        userId: expired.userId,
        amount: expired.priceCoins,
        status: 'cancelled',
        reason: null,
        transactionId: null,
        balanceAfter: null,
      });
      return 'cancelled';
    }
    if (earlier.status !== 'succeeded') return earlier.status;
    if (!wallet) throw new Error(`purchase ${expired.purchaseId} was debited from no wallet`);
    const posted = await this.ledger.post(tx, {
      kind: 'purchase_refund',
      reference: expired.purchaseId,
      walletId: wallet.id,
      amount: earlier.amount,
      counterAccount: 'system:episode_sales',
    });
    await this.settlements.markRefunded(tx, expired.purchaseId, posted.transactionId);
    await this.outbox.publish(tx, 'payment.purchase.refunded.v1', {
      purchaseId: expired.purchaseId,
      userId: earlier.userId,
      amountCoins: earlier.amount,
      debitTransactionId: earlier.transactionId ?? '',
      transactionId: posted.transactionId,
      balanceAfter: posted.balanceAfter,
      reason: 'PURCHASE_EXPIRED',
    });
    this.refunds.refunded();
    return 'refunded';
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
    } else if (settlement.status === 'declined') {
      await this.outbox.publish(tx, 'payment.purchase.declined.v1', {
        purchaseId: settlement.purchaseId,
        userId: settlement.userId,
        amountCoins: settlement.amount,
        reason: settlement.reason ?? 'INSUFFICIENT_FUNDS',
      });
    }
    // refunded / cancelled: the purchase expired, webtoon wants no answer any more;
    // waiting: there is no answer yet.
  }
}
