import type { AnyEventEnvelope } from '@lib/contracts';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * How long a consumer remembers it applied an event (`processed_events`; its relay prunes older
 * records). Longer than Kafka's default retention (7 days), so any redelivery of a record still
 * on the broker finds its row; dead letters were never applied, so replaying one later needs none.
 */
export const KEEP_PROCESSED_DAYS = 14;

export type BoundHandler<Tx> = (event: AnyEventEnvelope, tx: Tx) => Promise<void>;

/** Runs an event's handlers so that its effect and the record that it was applied commit together. */
export interface UnitOfWork {
  run(event: AnyEventEnvelope, handlers: BoundHandler<never>[]): Promise<'handled' | 'duplicate'>;
}

/**
 * PostgreSQL: one transaction holds the (group, event id) row and the handlers' writes; a
 * redelivery finds the row and is skipped, and a failing handler rolls both back.
 */
export class PostgresUnitOfWork implements UnitOfWork {
  constructor(
    private readonly dataSource: DataSource,
    private readonly group: string,
  ) {}

  run(
    event: AnyEventEnvelope,
    handlers: BoundHandler<EntityManager>[],
  ): Promise<'handled' | 'duplicate'> {
    return this.dataSource.transaction(async (tx) => {
      const inserted: unknown[] = await tx.query(
        `INSERT INTO processed_events (consumer_group, event_id, event_type) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [this.group, event.id, event.type],
      );
      if (inserted.length === 0) return 'duplicate';
      for (const handler of handlers) await handler(event, tx);
      return 'handled';
    });
  }
}
