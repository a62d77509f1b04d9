import { Counter, Gauge, type Registry } from 'prom-client';

export type ConsumeOutcome = 'handled' | 'duplicate' | 'failed' | 'dead_lettered' | 'ignored';

/** The event bus metrics of docs/architecture.md, in the app's registry. */
export class EventsMetrics {
  readonly published: Counter<'type'>;
  readonly consumed: Counter<'type' | 'group' | 'outcome'>;
  readonly deadLettered: Counter<'type' | 'group'>;
  readonly lag: Gauge<'group' | 'topic'>;
  readonly retrying: Gauge<'group' | 'topic'>;
  readonly retries: Counter<'group' | 'topic' | 'reason'>;

  constructor(registry: Registry, pending: () => Promise<number>) {
    const registers = [registry];
    this.published = new Counter({
      name: 'events_published_total',
      help: 'Events the outbox relay delivered to Kafka, by type.',
      labelNames: ['type'],
      registers,
    });
    this.consumed = new Counter({
      name: 'events_consumed_total',
      help: 'Event deliveries by type, consumer group and outcome (handled, duplicate, failed attempt, dead_lettered, ignored).',
      labelNames: ['type', 'group', 'outcome'],
      registers,
    });
    this.deadLettered = new Counter({
      name: 'events_dead_lettered_total',
      help: 'Events sent to a dead-letter topic after their retries ran out.',
      labelNames: ['type', 'group'],
      registers,
    });
    new Gauge({
      name: 'outbox_pending',
      help: 'Events written to the outbox and not yet delivered to Kafka.',
      registers,
      async collect() {
        this.set(await pending());
      },
    });
    this.lag = new Gauge({
      name: 'kafka_consumer_lag',
      help: 'Messages not yet consumed by a consumer group, per topic.',
      labelNames: ['group', 'topic'],
      registers,
    });
    this.retrying = new Gauge({
      name: 'events_consumer_retrying',
      help: '1 while a partition of this topic is held retrying an infrastructure error (database or broker unavailable, timeout), else 0.',
      labelNames: ['group', 'topic'],
      registers,
    });
    this.retries = new Counter({
      name: 'events_consumer_retries_total',
      help: 'Retries of an event after an infrastructure error (retried without limit, never dead-lettered), by reason.',
      labelNames: ['group', 'topic', 'reason'],
      registers,
    });
  }
}
