// Entry point `@lib/platform/events`: the event bus (Kafka). The store-specific outboxes come
// from `@lib/platform/postgres` and `@lib/platform/mongo`.
export { EventsModule } from './events.module';
export {
  kafkaBrokersEnv,
  kafkaTopicsEnv,
  topicSettingsFromConfig,
  type TopicSettings,
} from './events.config';
export type {
  EventsModuleOptions,
  EventsModuleAsyncOptions,
  EventStore,
  RetryOptions,
  RelayFaults,
} from './events.options';
export { OnEvent, type EventHandler } from './on-event.decorator';
export type { PublishOptions } from './envelope.factory';
export type { DeadLetter } from './kafka/dead-letter';
export { replayDeadLetters, type ReplayOptions, type ReplayResult } from './replay';
export { TransientError } from './kafka/failure';
