import type { Db, Document, UpdateFilter } from 'mongodb';
import { outgoing } from '../kafka/kafka-connection';
import { RelayLoop, type DrainResult, type RelayTarget } from '../relay-loop';
import { KEEP_PROCESSED_DAYS } from '../units-of-work';
import { OUTBOX_FIELD, type OutboxEntry } from './mongo-outbox';

/** A relay's claim on a document's pending events; expires so a crashed relay's claim frees itself. */
const LEASE_FIELD = '_outboxLease';
const LEASE_MS = 30_000;
const BATCH_DOCS = 100;

/**
 * Publishes events embedded in documents. A relay leases one document at a time (an atomic
 * findOneAndUpdate), sends its events in array order, then removes exactly those entries, so a
 * concurrent write that adds more events keeps them pending for the next pass.
 */
export class MongoOutboxRelay {
  private readonly loop: RelayLoop;

  constructor(
    private readonly db: Db,
    private readonly collections: string[],
    private readonly target: RelayTarget,
  ) {
    this.loop = new RelayLoop(() => this.drainOnce(), target.pollMs, {
      housekeeping: () => this.pruneOld(),
    });
  }

  start(): void {
    this.loop.start();
  }

  wake(): void {
    this.loop.wake();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  async pending(): Promise<number> {
    let total = 0;
    for (const name of this.collections) {
      // Summed here: the MongoDB-wire server of the dev stack has no $size in aggregations.
      const docs = this.db
        .collection(name)
        .find({ [`${OUTBOX_FIELD}.0`]: { $exists: true } }, { projection: { [OUTBOX_FIELD]: 1 } });
      for await (const doc of docs) total += (doc[OUTBOX_FIELD] as OutboxEntry[]).length;
    }
    return total;
  }

  async drainOnce(): Promise<DrainResult> {
    let sent = 0;
    let docs = 0;
    for (const name of this.collections) {
      for (; docs < BATCH_DOCS; docs++) {
        const doc = await this.lease(name);
        if (!doc) break;
        sent += await this.publish(name, doc);
      }
    }
    return { sent, more: docs === BATCH_DOCS };
  }

  /** Keeps the applied-event records from growing without bound (here they only save re-runs). */
  private async pruneOld(): Promise<void> {
    const cutoff = new Date(Date.now() - KEEP_PROCESSED_DAYS * 24 * 3600_000);
    await this.db.collection('processed_events').deleteMany({ processedAt: { $lt: cutoff } });
  }

  private async lease(collection: string): Promise<Document | null> {
    const now = new Date();
    return this.db.collection(collection).findOneAndUpdate(
      {
        [`${OUTBOX_FIELD}.0`]: { $exists: true },
        $or: [{ [LEASE_FIELD]: { $exists: false } }, { [LEASE_FIELD]: { $lt: now } }],
      },
      { $set: { [LEASE_FIELD]: new Date(now.getTime() + LEASE_MS) } },
      // No projection: the dev stack's MongoDB-wire server does not support one here.
      { returnDocument: 'after' },
    );
  }

  private async publish(collection: string, doc: Document): Promise<number> {
    const entries = doc[OUTBOX_FIELD] as OutboxEntry[];
    this.target.faults?.beforeSend?.();
    try {
      await this.target.send(
        entries.map((e) => outgoing(this.target.topics.of(e.topic), e.key, e.envelope)),
      );
    } catch (error) {
      // Free the document at once so the next pass (not the lease expiry) retries it.
      await this.db
        .collection(collection)
        .updateOne({ _id: doc._id }, { $unset: { [LEASE_FIELD]: '' } });
      throw error;
    }
    this.target.faults?.afterSend?.();
    // $pullAll of the exact entries sent (not a $pull condition, which the MongoDB-wire server
    // of the dev stack ignores): events added meanwhile stay pending.
    const sent: Document = { [OUTBOX_FIELD]: entries };
    await this.db.collection(collection).updateOne({ _id: doc._id }, {
      $pullAll: sent,
      $unset: { [LEASE_FIELD]: '' },
    } as UpdateFilter<Document>);
    this.target.onSent(entries.map((e) => e.envelope));
    return entries.length;
  }
}
