import { Inject, Injectable } from '@nestjs/common';
import type { UserDeletedV1, UserRegisteredV1 } from '@lib/contracts';
import { MONGO_DB, type ApplyOutcome, type MongoEventTx } from '@lib/platform/mongo';
import type { Db } from 'mongodb';
import { AUTHORS, type AuthorDocument } from './authors.document';

/** The only code that touches the `authors` collection (keyed by user id: no extra index). */
@Injectable()
export class AuthorsRepository {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  private get authors() {
    return this.db.collection<AuthorDocument>(AUTHORS);
  }

  findMany(ids: string[]): Promise<AuthorDocument[]> {
    return this.authors.find({ _id: { $in: ids } }).toArray();
  }

  findOne(id: string): Promise<AuthorDocument | null> {
    return this.authors.findOne({ _id: id });
  }

  /**
   * Upserts the profile unless a tombstone exists: then the filter misses, the upsert collides
   * with the tombstone's id and the registration is dropped as a duplicate.
   */
  rememberRegistered(tx: MongoEventTx, user: UserRegisteredV1): Promise<ApplyOutcome> {
    return tx.updateOne<AuthorDocument>(
      AUTHORS,
      { _id: user.userId, deleted: { $ne: true } },
      { $set: { displayName: user.displayName, registeredAt: new Date(user.registeredAt) } },
      { upsert: true },
    );
  }

  /** Replaces the profile by a tombstone without the name (created if the user was unknown). */
  forget(tx: MongoEventTx, user: UserDeletedV1): Promise<ApplyOutcome> {
    return tx.updateOne<AuthorDocument>(
      AUTHORS,
      { _id: user.userId },
      {
        $set: { deleted: true, deletedAt: new Date(user.deletedAt) },
        $unset: { displayName: '', registeredAt: '' },
      },
      { upsert: true },
    );
  }
}
