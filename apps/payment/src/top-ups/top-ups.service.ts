import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, DomainError, requestHash } from '@lib/platform';
import { OutboxPublisher } from '@lib/platform/postgres';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config';
import { LedgerRepository } from '../wallets/ledger.repository';
import { walletNotFound } from '../wallets/wallets.service';
import { CardProvider, DEFAULT_TEST_CARD, isLuhnValid } from './card-provider';
import type { TopUpDto, TopUpRequest } from './top-ups.dto';
import { TopUpsRepository, type TopUpRow } from './top-ups.repository';

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
  async topUp(userId: string, idempotencyKey: string, body: TopUpRequest): Promise<TopUpDto> {
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
    const hash = requestHash({ amount: body.amount, cardNumber });

    const row = await this.dataSource.transaction(async (tx) => {
      const wallet = await this.ledger.lockWallet(tx, userId);
      const claimed = await this.topUps.claim(tx, {
        id: randomUUID(),
        userId,
        idempotencyKey,
        requestHash: hash,
        amount: body.amount,
        cardLast4: cardNumber.slice(-4),
        status: 'succeeded',
      });
      if (!claimed) {
        const earlier = await this.topUps.findByKey(tx, userId, idempotencyKey);
        if (!earlier) throw new Error('top-up key conflict without a row');
        return earlier;
      }
      if (!wallet) throw walletNotFound();
      if (wallet.status === 'closed') {
        throw new DomainError('PAYMENT.WALLET_CLOSED', 'This wallet is closed', 409);
      }
      const charge = await this.provider.charge(cardNumber, body.amount);
      if (!charge.approved) {
        await tx.query(`UPDATE top_ups SET status = 'declined' WHERE id = $1`, [claimed.id]);
        return { ...claimed, status: 'declined' as const };
      }
      const posted = await this.ledger.post(tx, {
        kind: 'top_up',
        reference: claimed.id,
        walletId: wallet.id,
        amount: body.amount,
        counterAccount: 'system:card_provider',
      });
      await this.topUps.recordBooking(tx, claimed.id, posted.transactionId, posted.balanceAfter);
      await this.outbox.publish(tx, 'payment.wallet.topped-up.v1', {
        walletId: wallet.id,
        userId,
        amountCoins: body.amount,
        balanceAfter: posted.balanceAfter,
      });
      return { ...claimed, ...posted };
    });
    return this.result(row, hash);
  }

  private result(row: TopUpRow, hash: string): TopUpDto {
    if (row.requestHash !== hash) {
      throw new DomainError(
        'IDEMPOTENCY_KEY.REUSED',
        'This Idempotency-Key was used with a different request body',
        422,
      );
    }
    if (row.status === 'declined') {
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
    return {
      topUpId: row.id,
      status: 'succeeded',
      amount: row.amount,
      balanceAfter: row.balanceAfter ?? 0,
      transactionId: row.transactionId ?? '',
      createdAt: row.createdAt.toISOString(),
    };
  }
}
