import { createHash } from 'node:crypto';
import type { AnyEventEnvelope } from '@lib/contracts';
import {
  MongoServerError,
  ObjectId,
  type Db,
  type Document,
  type Filter,
  type UpdateFilter,
} from 'mongodb';
import { OUTBOX_FIELD, withOutbox, type OutboxEntry } from './mongo-outbox';

/** Field of a document listing the latest event ids applied to it. */
export const APPLIED_FIELD = '_appliedEvents';
/** How many applied ids a document remembers; redeliveries come long before 100 newer events. */
const APPLIED_WINDOW = 100;
const DUPLICATE_KEY = 11000;

export type ApplyOutcome = 'applied' | 'duplicate' | 'not-found';

/**
 * The unit of work of a MongoDB event handler. Each write records the event id inside the
 * document it changes, in the same single-document write, so a redelivered event matches
 * nothing and changes nothing; events it carries (`outbox.event(...)`) are embedded the same way.
 */
export class MongoEventTx {
  constructor(
    readonly db: Db,
    readonly event: AnyEventEnvelope,
    private readonly onEventsWritten: () => void,
  ) {}

  /**
   * A deterministic ObjectId for a document this event creates: a redelivery computes the same
   * id, so its insert collides instead of creating a twin. `salt` tells several documents apart.
   */
  derivedId(salt = ''): ObjectId {
    const hex = createHash('sha256').update(`${this.event.id}/${salt}`).digest('hex');
    return new ObjectId(hex.slice(0, 24));
  }

  /** Inserts `doc` (its `_id` defaults to `derivedId()`); `duplicate` if this event already did. */
  async insertOne(
    collection: string,
    doc: Document,
    events: OutboxEntry[] = [],
  ): Promise<ApplyOutcome> {
    try {
      await this.db.collection(collection).insertOne({
        _id: this.derivedId(),
        ...doc,
        [APPLIED_FIELD]: [this.event.id],
        ...(events.length > 0 ? { [OUTBOX_FIELD]: events } : {}),
      });
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return 'duplicate';
      throw error;
    }
    if (events.length > 0) this.onEventsWritten();
    return 'applied';
  }

  /**
   * Updates the one document matching `filter` unless it already has this event applied. With
   * `upsert`, `filter` must name a unique key (normally `_id`) so a redelivery collides.
   */
  async updateOne<T extends Document = Document>(
    collection: string,
    filter: Filter<T>,
    update: UpdateFilter<T>,
    options: { upsert?: boolean; events?: OutboxEntry[] } = {},
  ): Promise<ApplyOutcome> {
    const events = options.events ?? [];
    let result;
    try {
      result = await this.db
        .collection<T>(collection)
        .updateOne(
          this.notYetApplied<T>(filter),
          withOutbox<T>(this.recordApplied<T>(update), events),
          {
            upsert: options.upsert ?? false,
          },
        );
    } catch (error) {
      if (options.upsert && error instanceof MongoServerError && error.code === DUPLICATE_KEY)
        return 'duplicate';
      throw error;
    }
    if (result.matchedCount + result.upsertedCount === 0) {
      const seen = await this.db
        .collection<T>(collection)
        .countDocuments({ ...filter, [APPLIED_FIELD]: this.event.id } as Filter<T>);
      return seen > 0 ? 'duplicate' : 'not-found';
    }
    if (events.length > 0) this.onEventsWritten();
    return 'applied';
  }

  /** Updates every matching document that has not had this event applied; returns how many changed. */
  async updateMany<T extends Document = Document>(
    collection: string,
    filter: Filter<T>,
    update: UpdateFilter<T>,
  ): Promise<number> {
    const result = await this.db
      .collection<T>(collection)
      .updateMany(this.notYetApplied<T>(filter), this.recordApplied<T>(update));
    return result.modifiedCount;
  }

  // The guard fields are not part of the caller's schema type, hence the casts.
  private notYetApplied<T extends Document>(filter: Filter<T>): Filter<T> {
    // Merged at the top level (not $and), so an upsert takes `_id` from the filter.
    return { ...filter, [APPLIED_FIELD]: { $ne: this.event.id } } as Filter<T>;
  }

  private recordApplied<T extends Document>(update: UpdateFilter<T>): UpdateFilter<T> {
    const push: Document = {
      ...update.$push,
      [APPLIED_FIELD]: { $each: [this.event.id], $slice: -APPLIED_WINDOW },
    };
    return { ...update, $push: push } as UpdateFilter<T>;
  }
}
