import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@lib/contracts';
import { OnEvent } from '@lib/platform/events';
import { PostgresDeletedAccounts } from '@lib/platform/postgres';
import type { EntityManager } from 'typeorm';
import { AnonymisationRepository } from '../accounts/anonymisation.repository';

/**
 * A deleted account: recorded (its still-valid access tokens can then change nothing here),
 * and unlinked from its purchases, entitlements and series, in the event's transaction.
 */
@Injectable()
export class AnonymiseUserWhenDeletedHandler {
  constructor(
    private readonly deletedAccounts: PostgresDeletedAccounts,
    private readonly anonymisation: AnonymisationRepository,
  ) {}

  @OnEvent('auth.user.deleted.v1')
  async handle(event: EventEnvelope<'auth.user.deleted.v1'>, tx: EntityManager): Promise<void> {
    const first = await this.deletedAccounts.record(tx, event);
    if (first) await this.anonymisation.anonymise(tx, event.data.userId);
  }
}
