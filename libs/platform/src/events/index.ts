export { EventsModule } from './events.module';
export { kafkaBrokersEnv } from './events.config';
export type {
  EventsModuleOptions,
  EventsModuleAsyncOptions,
  EventStore,
  RetryOptions,
  RelayFaults,
} from './events.options';
export { OnEvent, type EventHandler } from './on-event.decorator';
export type { PublishOptions } from './envelope.factory';
export { OutboxPublisher } from './postgres/outbox-publisher';
export { EventsSchema1700000000000, EVENTS_MIGRATIONS } from './postgres/schema';
export { MongoOutbox, type OutboxEntry } from './mongo/mongo-outbox';
export { MongoEventTx, type ApplyOutcome } from './mongo/mongo-event-tx';
export type { DeadLetter } from './kafka/dead-letter';
export { replayDeadLetters, type ReplayOptions, type ReplayResult } from './replay';
export { TransientError } from './kafka/failure';
