import { Inject, Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@lib/contracts';
import { OnEvent } from '@lib/platform/events';
import { MongoDeletedAccounts, type MongoEventTx } from '@lib/platform/mongo';

/**
 * A deleted account is recorded, so its still-valid access token can write no more news
 * (the platform's guard answers 401 AUTH.ACCOUNT_DELETED). Its articles stay as they are.
 */
@Injectable()
export class RecordAccountWhenUserDeletedHandler {
  constructor(
    @Inject(MongoDeletedAccounts) private readonly deletedAccounts: MongoDeletedAccounts,
  ) {}

  @OnEvent('auth.user.deleted.v1')
  async handle(event: EventEnvelope<'auth.user.deleted.v1'>, tx: MongoEventTx): Promise<void> {
    await this.deletedAccounts.record(tx, event);
  }
}
