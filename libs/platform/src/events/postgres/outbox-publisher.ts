import { Inject, Injectable } from '@nestjs/common';
import type { EventDataMap, EventEnvelope, EventType } from '@lib/contracts';
import { keyOf, topicOf } from '@lib/contracts';
import type { EntityManager } from 'typeorm';
import { buildEnvelope, type PublishOptions } from '../envelope.factory';
import { EVENTS_OPTIONS, type EventsModuleOptions } from '../events.options';
import { OUTBOX_CHANNEL } from './schema';

/**
 * Publishes through the PostgreSQL outbox: the event row is written by the caller's
 * transaction, so it exists if and only if the state change committed. The relay sends it.
 */
@Injectable()
export class OutboxPublisher {
  constructor(@Inject(EVENTS_OPTIONS) private readonly options: EventsModuleOptions) {}

  async publish<T extends EventType>(
    tx: EntityManager,
    type: T,
    data: EventDataMap[T],
    options?: PublishOptions,
  ): Promise<EventEnvelope<T>> {
    // Outside a transaction the row and the state change could diverge: refuse rather than risk it.
    if (!tx.queryRunner?.isTransactionActive) {
      throw new Error(
        `OutboxPublisher.publish(${type}) needs the EntityManager of an open transaction`,
      );
    }
    const envelope = buildEnvelope(this.options.source, type, data, options);
    // The NOTIFY rides on the INSERT (one round trip). It is delivered to the relays only on
    // commit, so it wakes them exactly when the row is visible.
    await tx.query(
      `WITH inserted AS (
         INSERT INTO outbox_events (id, type, topic, key, envelope) VALUES ($1, $2, $3, $4, $5)
         RETURNING seq)
       SELECT pg_notify($6, '') FROM inserted`,
      [envelope.id, type, topicOf(type), keyOf(type, data), envelope, OUTBOX_CHANNEL],
    );
    return envelope;
  }
}
