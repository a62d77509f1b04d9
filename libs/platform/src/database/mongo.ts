// Entry point `@lib/platform/mongo`: what a MongoDB app needs (the driver and its outbox).
// Only apps that import it load the MongoDB driver.
export * from './mongo-indexes';
export * from './mongo.module';
export { MongoOutbox, type OutboxEntry } from '../events/mongo/mongo-outbox';
export { MongoEventTx, type ApplyOutcome } from '../events/mongo/mongo-event-tx';
export * from './mongo-deleted-accounts';
