import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@lib/contracts';
import { OnEvent } from '@lib/platform/events';
import type { EntityManager } from 'typeorm';
import { DeletedAccountsRepository } from '../accounts/deleted-accounts.repository';

/**
 * A deleted account: recorded (its still-valid access tokens can then change nothing here),
 * and unlinked from its purchases, entitlements and series, in the event's transaction.
 */
@Injectable()
export class AnonymiseUserWhenDeletedHandler {
  constructor(private readonly accounts: DeletedAccountsRepository) {}

  @OnEvent('auth.user.deleted.v1')
  async handle(event: EventEnvelope<'auth.user.deleted.v1'>, tx: EntityManager): Promise<void> {
    const deletedAt = Date.parse(event.data.deletedAt);
    const first = await this.accounts.record(
      tx,
      event.data.userId,
      new Date(Number.isNaN(deletedAt) ? event.occurredAt : deletedAt),
    );
    if (first) await this.accounts.anonymise(tx, event.data.userId);
  }
}
