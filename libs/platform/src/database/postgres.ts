// Entry point `@lib/platform/postgres`: what a PostgreSQL app needs (TypeORM and its outbox).
// Only apps that import it load TypeORM.
export * from './postgres.module';
export { OutboxPublisher } from '../events/postgres/outbox-publisher';
export { EventsSchema1700000000000, EVENTS_MIGRATIONS } from '../events/postgres/schema';
export * from './postgres-deleted-accounts';
export * from './pg-listen';
