import type { InjectionToken, ModuleMetadata, OptionalFactoryDependency } from '@nestjs/common';
import type { Db } from 'mongodb';
import type { DataSource } from 'typeorm';

/** Where the app keeps its outbox and its record of applied events. */
export type EventStore =
  /** PostgreSQL through the app's TypeORM DataSource (add EVENTS_MIGRATIONS to its migrations). */
  | { kind: 'postgres'; dataSource: DataSource }
  /**
   * A MongoDB-protocol database. `collections` are the collections whose documents may carry
   * pending events (`_outbox`); the relay scans them, also after a restart.
   */
  | { kind: 'mongo'; db: Db; collections: string[] };

export interface RetryOptions {
  /** Handler attempts before the event goes to `<topic>.dlq` (first try included). Default 5. */
  attempts?: number;
  /** Delay before the second attempt; doubles each time. Default 200 ms. */
  initialDelayMs?: number;
  /** Upper bound of one delay. Default 5000 ms. */
  maxDelayMs?: number;
}

export interface EventsModuleOptions {
  /** The producing app, written into every envelope's `source` (e.g. `payment`). */
  source: string;
  brokers: string[];
  store: EventStore;
  /** Kafka consumer group of this app's handlers. Default: `source`. */
  consumerGroup?: string;
  /** Partitions of topics this app creates at start (existing topics are left alone). Default 3. */
  partitions?: number;
  /** Replication factor of created topics. Default 1 (the dev stack has one broker). */
  replicationFactor?: number;
  /** `min.insync.replicas` of created topics. Default 1. See `topicSettingsFromConfig`. */
  minInsyncReplicas?: number;
  /**
   * Prepended to every topic name, so several environments or test runs can share one cluster
   * without seeing each other's events. Default none.
   */
  topicPrefix?: string;
  retry?: RetryOptions;
  /** Relay safety-net poll interval; notifications wake it sooner. Default 1000 ms (postgres), 200 ms (mongo). */
  relayPollMs?: number;
  /**
   * How often the consumer commits the offsets it has handled (and once more on shutdown).
   * Default 1000 ms. A crash redelivers what was handled since, which the applied-event
   * record skips.
   */
  commitEveryMs?: number;
  /** How often `kafka_consumer_lag` is read from the broker. Default 10 000 ms. */
  lagEveryMs?: number;
  /** Start the outbox relay in this process. Default true. */
  relay?: boolean;
  /** Start the consumer for this app's @OnEvent handlers. Default true. */
  consume?: boolean;
  /**
   * Fault injection for tests (e.g. kill the process between claiming outbox rows and sending
   * them). Never set in an app.
   */
  faults?: RelayFaults;
}

export interface RelayFaults {
  /** Called after the relay claimed a batch, before it sends it to Kafka. */
  beforeSend?: () => void;
  /** Called after Kafka acknowledged a batch, before the rows are marked sent. */
  afterSend?: () => void;
}

export interface EventsModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  /** Receives the `inject` tokens' values, e.g. `(config: AppConfig, dataSource: DataSource)`. */
  useFactory: (...args: never[]) => EventsModuleOptions | Promise<EventsModuleOptions>;
}

export const EVENTS_OPTIONS = Symbol('EVENTS_OPTIONS');
