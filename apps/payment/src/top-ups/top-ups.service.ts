import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, DomainError } from '@lib/platform';
import { OutboxPublisher } from '@lib/platform/postgres';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config';
import { LedgerRepository } from '../wallets/ledger.repository';
import { walletNotFound } from '../wallets/wallets.service';
import {
  CardProvider,
  CardProviderUnavailableError,
  DEFAULT_TEST_CARD,
  isLuhnValid,
  type ChargeResult,
} from './card-provider';
import { requestFingerprint } from './request-fingerprint';
import type { TopUpResponse, TopUpRequest } from './top-ups.dto';
import { TopUpsRepository, type TopUpRow } from './top-ups.repository';

/** Seconds a client waits before retrying a top-up whose charge outcome is not known yet. */
const PROVIDER_RETRY_AFTER_SECONDS = 5;

/**
 * Top-ups in three short steps, none of which holds a lock while the card provider works:
 * 1. claim (user, Idempotency-Key) with a `pending` row (its own short transaction);
 * 2. charge the card with the top-up id as the provider's idempotency key (no transaction);
 * 3. resolve: lock the row and, if still pending, credit the wallet and mark it `succeeded`,
 *    or mark it `failed` (one short transaction).
 * A retry that finds the row `pending` (the first attempt crashed, timed out, or is still
 * running) repeats steps 2 and 3 with the same provider key: the provider answers with the
 * outcome of the one charge it made, and step 3's row lock lets only one resolution book it.
 */
@Injectable()
export class TopUpsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly topUps: TopUpsRepository,
    private readonly ledger: LedgerRepository,
    private readonly provider: CardProvider,
    private readonly outbox: OutboxPublisher,
  ) {}

  /**
   * Charges the card and credits the wallet, once per (user, Idempotency-Key): a retry with
   * the same body gets the first result (success or decline), another body gets 422.
   */
  async topUp(userId: string, idempotencyKey: string, body: TopUpRequest): Promise<TopUpResponse> {
    if (body.amount > this.config.TOP_UP_MAX_COINS) {
      throw new DomainError(
        'PAYMENT.TOP_UP_TOO_LARGE',
        `A top-up is at most ${this.config.TOP_UP_MAX_COINS} coins`,
        422,
      );
    }
    const cardNumber = body.cardNumber ?? DEFAULT_TEST_CARD;
    if (!isLuhnValid(cardNumber)) {
      throw new DomainError('PAYMENT.CARD_INVALID', 'cardNumber is not a valid card number', 400);
    }
    const hash = requestFingerprint(this.config.PAYMENT_FINGERPRINT_KEY, {
      amount: body.amount,
      cardNumber,
    });

    const row = await this.claimOrFind(userId, idempotencyKey, hash, body.amount, cardNumber);
    if (row.requestHash !== hash) {
      throw new DomainError(
        'IDEMPOTENCY_KEY.REUSED',
        'This Idempotency-Key was used with a different request body',
        422,
      );
    }
    const resolved = row.status === 'pending' ? await this.chargeAndResolve(row, cardNumber) : row;
    return this.result(resolved);
  }

  /** Step 1: the pending claim, or the row an earlier request with this key left. */
  private async claimOrFind(
    userId: string,
    idempotencyKey: string,
    requestHash: string,
    amount: number,
    cardNumber: string,
  ): Promise<TopUpRow> {
    return this.dataSource.transaction(async (tx) => {
      const earlier = await this.topUps.findByKey(tx, userId, idempotencyKey);
      if (earlier) return earlier;
      // Checked before the claim, so a refused top-up keeps its key free; a wallet closed
      // after this point still receives the credit of a charge that was made.
      const wallet = await this.ledger.findWallet(tx, userId);
      if (!wallet) throw walletNotFound();
      if (wallet.status === 'closed') {
        throw new DomainError('PAYMENT.WALLET_CLOSED', 'This wallet is closed', 409);
      }
      const claimed = await this.topUps.claim(tx, {
        id: randomUUID(),
        userId,
        idempotencyKey,
        requestHash,
        amount,
        cardLast4: cardNumber.slice(-4),
      });
      if (claimed) return claimed;
      // A concurrent request claimed the key first; its claim is committed by now.
      const winner = await this.topUps.findByKey(tx, userId, idempotencyKey);
      if (!winner) throw new Error('top-up key conflict without a row');
      return winner;
    });
  }

  /** Steps 2 and 3. */
  private async chargeAndResolve(row: TopUpRow, cardNumber: string): Promise<TopUpRow> {
    let charge: ChargeResult;
    try {
      charge = await this.provider.charge({
        idempotencyKey: row.id,
        cardNumber,
        amountCoins: row.amount,
      });
    } catch (error) {
      if (!(error instanceof CardProviderUnavailableError)) throw error;
      // Whether the card was charged is unknown: the row stays pending for the retry.
      throw new DomainError(
        'PAYMENT.PROVIDER_UNAVAILABLE',
        'The card provider did not answer; retry with the same Idempotency-Key',
        503,
        { 'Retry-After': String(PROVIDER_RETRY_AFTER_SECONDS) },
        { topUpId: row.id },
      );
    }
    return this.dataSource.transaction(async (tx) => {
      const current = await this.topUps.lock(tx, row.id);
      if (!current) throw new Error(`top-up ${row.id} vanished`);
      if (current.status !== 'pending') return current;
      if (!charge.approved) return this.topUps.markFailed(tx, row.id, charge.reason);
      const wallet = await this.ledger.lockWallet(tx, row.userId);
      if (!wallet) throw walletNotFound();
      const posted = await this.ledger.post(tx, {
        kind: 'top_up',
        reference: row.id,
        walletId: wallet.id,
        amount: row.amount,
        counterAccount: 'system:card_provider',
      });
      await this.outbox.publish(tx, 'payment.wallet.topped-up.v1', {
        walletId: wallet.id,
        userId: row.userId,
        amountCoins: row.amount,
        balanceAfter: posted.balanceAfter,
      });
      return this.topUps.markSucceeded(tx, row.id, posted.transactionId, posted.balanceAfter);
    });
  }

  private result(row: TopUpRow): TopUpResponse {
    if (row.status === 'failed') {
      throw new DomainError(
        'PAYMENT.CARD_DECLINED',
        'The card was declined',
        402,
        {},
        {
          topUpId: row.id,
        },
      );
    }
    if (row.status !== 'succeeded' || row.transactionId === null || row.balanceAfter === null) {
      throw new Error(`top-up ${row.id} is not resolved`);
    }
    return {
      topUpId: row.id,
      status: 'succeeded',
      amount: row.amount,
      balanceAfter: row.balanceAfter,
      transactionId: row.transactionId,
      createdAt: row.createdAt.toISOString(),
    };
  }
}
