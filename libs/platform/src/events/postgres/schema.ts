import type { MigrationInterface, QueryRunner } from 'typeorm';

/** NOTIFY channel the publisher signals on commit and the relays LISTEN to. */
export const OUTBOX_CHANNEL = 'outbox_events';

/**
 * The outbox and the applied-events record of a PostgreSQL app. Add `EVENTS_MIGRATIONS` to the
 * app's TypeORM migrations; the timestamp orders it before any app migration.
 */
export class EventsSchema1700000000000 implements MigrationInterface {
  name = 'EventsSchema1700000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE outbox_events (
        seq        bigserial   PRIMARY KEY,
        id         uuid        NOT NULL UNIQUE,
        type       text        NOT NULL,
        topic      text        NOT NULL,
        key        text        NOT NULL,
        envelope   jsonb       NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at    timestamptz
      )`);
    // The relay only ever reads pending rows, in order, and checks earlier pending rows of a key.
    await runner.query(
      `CREATE INDEX outbox_events_pending ON outbox_events (seq) WHERE sent_at IS NULL`,
    );
    await runner.query(
      `CREATE INDEX outbox_events_pending_key ON outbox_events (topic, key, seq) WHERE sent_at IS NULL`,
    );
    await runner.query(
      `CREATE INDEX outbox_events_sent_at ON outbox_events (sent_at) WHERE sent_at IS NOT NULL`,
    );
    await runner.query(`
      CREATE TABLE processed_events (
        consumer_group text        NOT NULL,
        event_id       uuid        NOT NULL,
        event_type     text        NOT NULL,
        processed_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_group, event_id)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE processed_events`);
    await runner.query(`DROP TABLE outbox_events`);
  }
}

export const EVENTS_MIGRATIONS = [EventsSchema1700000000000];
