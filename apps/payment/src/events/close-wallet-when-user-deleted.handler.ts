import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@lib/contracts';
import { OnEvent } from '@lib/platform/events';
import { OutboxPublisher, PostgresDeletedAccounts } from '@lib/platform/postgres';
import type { EntityManager } from 'typeorm';
import { LedgerRepository } from '../wallets/ledger.repository';

/**
 * A deleted account's wallet is closed, not deleted: the ledger keeps its history, and no
 * top-up or purchase can move its balance any more. The account is recorded as deleted, so
 * its still-valid access tokens are refused for any state-changing request (the guard).
 */
@Injectable()
export class CloseWalletWhenUserDeletedHandler {
  constructor(
    private readonly ledger: LedgerRepository,
    private readonly outbox: OutboxPublisher,
    private readonly deletedAccounts: PostgresDeletedAccounts,
  ) {}

  @OnEvent('auth.user.deleted.v1')
  async handle(event: EventEnvelope<'auth.user.deleted.v1'>, tx: EntityManager): Promise<void> {
    await this.deletedAccounts.record(tx, event);
    const wallet = await this.ledger.closeWallet(tx, event.data.userId);
    if (!wallet) return;
    await this.outbox.publish(tx, 'payment.wallet.closed.v1', {
      walletId: wallet.id,
      userId: wallet.userId,
    });
  }
}
