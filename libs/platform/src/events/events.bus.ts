import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { EventEnvelope, EventType } from '@lib/contracts';
import { HealthRegistry } from '../health/health.registry';
import { MetricsService } from '../metrics/metrics.service';
import { EventsMetrics } from './events.metrics';
import { EVENTS_OPTIONS, type EventsModuleOptions } from './events.options';
import { retryPolicy } from './kafka/backoff';
import { EventConsumer } from './kafka/event-consumer';
import { createKafka, KafkaConnection } from './kafka/kafka-connection';
import { TopicNames } from './kafka/topics';
import { MongoOutboxRelay } from './mongo/mongo-relay';
import { ON_EVENT_METADATA } from './on-event.decorator';
import { OutboxSignal } from './outbox-signal';
import { PostgresOutboxRelay } from './postgres/postgres-relay';
import { PostgresUnitOfWork, type BoundHandler, type UnitOfWork } from './units-of-work';

/**
 * Wires the bus at start — topics, relay, consumer, metrics, readiness — and takes it down in
 * order on shutdown: stop consuming (the in-flight event finishes or is redelivered), stop the
 * relay (unsent rows stay pending for the next start), then close the Kafka clients.
 */
@Injectable()
export class EventBus implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('EventBus');
  private readonly topics: TopicNames;
  private readonly connection: KafkaConnection;
  private readonly metrics: EventsMetrics;
  private readonly relay: PostgresOutboxRelay | MongoOutboxRelay;
  private consumer: EventConsumer | undefined;
  private lastPending = 0;

  constructor(
    @Inject(EVENTS_OPTIONS) private readonly options: EventsModuleOptions,
    // Explicit tokens: scripts run through tsx (esbuild), which emits no parameter types.
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(MetadataScanner) private readonly scanner: MetadataScanner,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
    @Inject(MetricsService) metrics: MetricsService,
    @Inject(OutboxSignal) private readonly signal: OutboxSignal,
  ) {
    if (options.brokers.length === 0)
      throw new Error('EventsModule needs at least one Kafka broker');
    this.topics = new TopicNames(options.topicPrefix);
    this.connection = new KafkaConnection(createKafka(options.source, options.brokers));
    this.metrics = new EventsMetrics(metrics.registry, () => this.pending());
    const target = {
      topics: this.topics,
      send: this.connection.send.bind(this.connection),
      onSent: (envelopes: EventEnvelope[]) => {
        for (const envelope of envelopes) this.metrics.published.inc({ type: envelope.type });
      },
      faults: options.faults,
    };
    const store = options.store;
    if (store.kind === 'postgres') {
      this.relay = new PostgresOutboxRelay(store.dataSource, {
        ...target,
        pollMs: options.relayPollMs ?? 1000,
      });
    } else {
      const relay = new MongoOutboxRelay(store.db, store.collections, {
        ...target,
        pollMs: options.relayPollMs ?? 200,
      });
      this.signal.onWake(() => relay.wake());
      this.relay = relay;
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    const { options } = this;
    await this.connection.connect();
    await this.connection.ensureTopics(this.topics.all(), {
      partitions: options.partitions ?? 3,
      replicationFactor: options.replicationFactor ?? 1,
      minInsyncReplicas: options.minInsyncReplicas ?? 1,
    });
    this.health.register('kafka', async () => {
      this.consumer?.assertAlive();
      await this.connection.admin.describeCluster();
    });
    if (options.relay ?? true) await this.relay.start();
    const handlers = this.discoverHandlers();
    if ((options.consume ?? true) && handlers.size > 0) {
      const group = this.topics.group(options.consumerGroup ?? options.source);
      this.consumer = new EventConsumer(
        this.connection.kafka,
        this.connection,
        group,
        handlers,
        await this.unitOfWork(group),
        retryPolicy(options.retry),
        this.metrics,
        this.topics,
        options.lagEveryMs ?? 10_000,
        options.commitEveryMs ?? 1_000,
      );
      await this.connection.waitForGroupCoordinator(group);
      await this.consumer.start();
      this.logger.log(`consumer group ${group} handles ${[...handlers.keys()].join(', ')}`);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer?.stop();
    await this.relay.stop();
    await this.connection.disconnect();
  }

  private async unitOfWork(group: string): Promise<UnitOfWork> {
    const store = this.options.store;
    if (store.kind === 'postgres') return new PostgresUnitOfWork(store.dataSource, group);
    // Loaded here, not above, so that a PostgreSQL app never loads the MongoDB driver.
    const { MongoUnitOfWork } = await import('./mongo/mongo-unit-of-work');
    return new MongoUnitOfWork(store.db, group, () => this.signal.wake());
  }

  /** The @OnEvent methods of every provider, bound to their instances, by event type. */
  private discoverHandlers(): Map<EventType, BoundHandler<never>[]> {
    const handlers = new Map<EventType, BoundHandler<never>[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance);
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method = prototype[name];
        const type: EventType | undefined = Reflect.getMetadata(ON_EVENT_METADATA, method);
        if (!type) continue;
        handlers.set(type, [...(handlers.get(type) ?? []), method.bind(instance)]);
      }
    }
    return handlers;
  }

  /** The outbox backlog for the gauge; on a failed count it keeps the last known value. */
  private async pending(): Promise<number> {
    try {
      this.lastPending = await this.relay.pending();
    } catch (error) {
      this.logger.debug(
        `outbox_pending not updated: ${error instanceof Error ? error.message : error}`,
      );
    }
    return this.lastPending;
  }
}
