import { Inject, Injectable, Module } from '@nestjs/common';
import type { EventEnvelope } from '@lib/contracts';
import type { Db } from 'mongodb';
import { DeletedAccounts, deletionTime } from '../auth/deleted-accounts';
import type { ApplyOutcome, MongoEventTx } from '../events/mongo/mongo-event-tx';
import { MONGO_DB } from './mongo.module';

/** The collection of a MongoDB app's deleted accounts, keyed by user id. */
export const DELETED_ACCOUNTS = 'deleted_accounts';

interface DeletedAccountDocument {
  _id: string;
  deletedAt: Date;
}

/**
 * A MongoDB app's record of the accounts auth deleted (`auth.user.deleted.v1`), which the
 * platform's guard asks before a state-changing request (docs/security.md).
 */
@Injectable()
export class MongoDeletedAccounts extends DeletedAccounts {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {
    super();
  }

  /** Records the deletion, guarded by the event id as every MongoEventTx write is. */
  record(tx: MongoEventTx, event: EventEnvelope<'auth.user.deleted.v1'>): Promise<ApplyOutcome> {
    const { userId } = event.data;
    if (typeof userId !== 'string' || !userId) {
      throw new Error('auth.user.deleted.v1 payload is malformed');
    }
    return tx.updateOne<DeletedAccountDocument>(
      DELETED_ACCOUNTS,
      { _id: userId },
      { $set: { deletedAt: deletionTime(event) } },
      { upsert: true },
    );
  }

  async isDeleted(userId: string): Promise<boolean> {
    const found = await this.db
      .collection<DeletedAccountDocument>(DELETED_ACCOUNTS)
      .findOne({ _id: userId }, { projection: { _id: 1 } });
    return found !== null;
  }
}

/** Provides `MongoDeletedAccounts`, also as the `DeletedAccounts` the platform's guard asks. */
@Module({
  providers: [
    MongoDeletedAccounts,
    { provide: DeletedAccounts, useExisting: MongoDeletedAccounts },
  ],
  exports: [MongoDeletedAccounts],
})
export class MongoDeletedAccountsModule {}
