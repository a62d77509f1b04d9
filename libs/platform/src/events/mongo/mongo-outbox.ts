import { Inject, Injectable } from '@nestjs/common';
import type { EventDataMap, EventEnvelope, EventType } from '@lib/contracts';
import { keyOf, topicOf } from '@lib/contracts';
import type {
  Document,
  Filter,
  InsertOneResult,
  OptionalUnlessRequiredId,
  UpdateFilter,
  UpdateResult,
} from 'mongodb';
import { buildEnvelope, type PublishOptions } from '../envelope.factory';
import { EVENTS_OPTIONS, type EventsModuleOptions } from '../events.options';
import { OutboxSignal } from '../outbox-signal';

/** Field that holds a document's pending events until the relay has sent them. */
export const OUTBOX_FIELD = '_outbox';

/** One pending event inside a document's `_outbox` array. */
export interface OutboxEntry {
  topic: string;
  key: string;
  envelope: EventEnvelope;
}

/**
 * Publishes through a MongoDB outbox embedded in the document being written: the event and
 * the state change are one single-document write, so they commit together (no multi-document
 * transactions needed). Events of one key must live in the same document (their aggregate) to
 * keep their order.
 */
@Injectable()
export class MongoOutbox {
  constructor(
    @Inject(EVENTS_OPTIONS) private readonly options: EventsModuleOptions,
    @Inject(OutboxSignal) private readonly signal: OutboxSignal,
  ) {}

  /** An event to store with `insertOne` / `updateOne` (or by hand in `_outbox`). */
  event<T extends EventType>(
    type: T,
    data: EventDataMap[T],
    options?: PublishOptions,
  ): OutboxEntry {
    const envelope = buildEnvelope(this.options.source, type, data, options);
    return { topic: topicOf(type), key: keyOf(type, data), envelope };
  }

  /** Inserts `doc` with `events` pending in it. */
  async insertOne<T extends Document = Document>(
    collection: string,
    doc: OptionalUnlessRequiredId<T>,
    events: OutboxEntry[],
  ): Promise<InsertOneResult<T>> {
    const result = await this.db()
      .collection<T>(collection)
      .insertOne({ ...doc, [OUTBOX_FIELD]: events });
    this.signal.wake();
    return result;
  }

  /** Applies `update` to one document and adds `events` to its pending events, atomically. */
  async updateOne<T extends Document = Document>(
    collection: string,
    filter: Filter<T>,
    update: UpdateFilter<T>,
    events: OutboxEntry[],
    options: { upsert?: boolean } = {},
  ): Promise<UpdateResult<T>> {
    const result = await this.db()
      .collection<T>(collection)
      .updateOne(filter, withOutbox<T>(update, events), { upsert: options.upsert ?? false });
    if (result.modifiedCount + result.upsertedCount > 0) this.signal.wake();
    return result;
  }

  private db() {
    if (this.options.store.kind !== 'mongo') {
      throw new Error(
        'MongoOutbox needs EventsModule with store { kind: "mongo" }; use OutboxPublisher',
      );
    }
    return this.options.store.db;
  }
}

/** `update` plus a `$push` of `events` onto the outbox field. */
export function withOutbox<T extends Document>(
  update: UpdateFilter<T>,
  events: OutboxEntry[],
): UpdateFilter<T> {
  if (events.length === 0) return update;
  const push: Document = { ...update.$push, [OUTBOX_FIELD]: { $each: events } };
  // The driver's operator types cannot follow a field the schema does not declare.
  return { ...update, $push: push } as UpdateFilter<T>;
}
