import { Logger } from '@nestjs/common';
import {
  deadLetterTopicOf,
  isEventType,
  type AnyEventEnvelope,
  type EventType,
} from '@lib/contracts';
import type { Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import { runWithRequestId } from '../../context/request-context';
import { runAsCauseOf } from '../envelope.factory';
import type { EventsMetrics } from '../events.metrics';
import type { BoundHandler, UnitOfWork } from '../units-of-work';
import { backoffDelay, type RetryPolicy } from './backoff';
import { toDeadLetter } from './dead-letter';
import { headersOf, type KafkaConnection } from './kafka-connection';
import type { TopicNames } from './topics';

class ShuttingDown extends Error {
  constructor() {
    super('consumer is shutting down; the event will be redelivered');
  }
}

/**
 * This app's consumer group. Each message is handled through the unit of work (effect and
 * applied-record together), retried with backoff, and after the last attempt parked in
 * `<topic>.dlq` with its error; then its offset is committed so the partition moves on.
 */
export class EventConsumer {
  private readonly logger = new Logger('EventConsumer');
  private readonly consumer: Consumer;
  private readonly topicList: string[];
  private stopping = false;
  private crashed: Error | undefined;
  private lagTimer: NodeJS.Timeout | undefined;

  constructor(
    kafka: Kafka,
    private readonly connection: KafkaConnection,
    private readonly group: string,
    private readonly handlers: Map<EventType, BoundHandler<never>[]>,
    private readonly unitOfWork: UnitOfWork,
    private readonly retry: RetryPolicy,
    private readonly metrics: EventsMetrics,
    topics: TopicNames,
    private readonly lagEveryMs: number,
  ) {
    this.consumer = kafka.consumer({
      groupId: group,
      allowAutoTopicCreation: false,
      // A fetch returns as soon as messages arrive; this only bounds how long shutdown waits
      // for an idle fetch to come back (default 5 s).
      maxWaitTimeInMs: 1000,
    });
    this.topicList = [...new Set([...handlers.keys()].map((type) => topics.ofType(type)))];
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.crashed = payload.error;
    });
  }

  get topics(): readonly string[] {
    return this.topicList;
  }

  /** Throws when the consumer died for good, for the readiness check. */
  assertAlive(): void {
    if (this.crashed) throw new Error(`consumer ${this.group} stopped: ${this.crashed.message}`);
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    // From the beginning: a group that starts after events were published must still see them.
    await this.consumer.subscribe({ topics: this.topicList, fromBeginning: true });
    await this.consumer.run({
      // Partitions progress independently, so one event in retry holds back only its own partition.
      partitionsConsumedConcurrently: 3,
      eachMessage: (payload) => this.handleMessage(payload),
    });
    this.lagTimer = setInterval(() => void this.updateLag(), this.lagEveryMs);
    this.lagTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.lagTimer);
    await this.consumer.disconnect();
  }

  private async handleMessage({
    topic,
    partition,
    message,
    heartbeat,
  }: EachMessagePayload): Promise<void> {
    const value = message.value?.toString() ?? '';
    const parsed = parseEnvelope(value);
    const envelope = parsed.kind === 'event' ? parsed.envelope : undefined;
    const handlers = envelope ? this.handlers.get(envelope.type) : undefined;
    // Other event types share our topics (another consumer's, or a newer version): not ours.
    if (parsed.kind === 'foreign' || (envelope && !handlers)) {
      const type = envelope?.type ?? 'unknown';
      this.metrics.consumed.inc({ type, group: this.group, outcome: 'ignored' });
      return;
    }
    // An invalid message skips the loop and goes straight to the dead letters.
    const type = envelope?.type ?? 'invalid';
    let attempts = 0;
    let lastError: unknown = new Error('not a valid event envelope');
    while (envelope && handlers && attempts < this.retry.attempts) {
      attempts++;
      try {
        const outcome = await runWithRequestId(envelope.correlationId, () =>
          runAsCauseOf(envelope.id, () => this.unitOfWork.run(envelope, handlers)),
        );
        this.metrics.consumed.inc({ type, group: this.group, outcome });
        return;
      } catch (error) {
        lastError = error;
        this.metrics.consumed.inc({ type, group: this.group, outcome: 'failed' });
        this.logger.warn(
          `${type} ${envelope.id} failed (attempt ${attempts}/${this.retry.attempts}): ${error instanceof Error ? error.message : error}`,
        );
        if (attempts < this.retry.attempts)
          await this.pause(backoffDelay(this.retry, attempts), heartbeat);
      }
    }
    const letter = toDeadLetter(value, lastError, attempts, this.group, {
      topic,
      partition,
      offset: message.offset,
    });
    const deadLetterTopic = deadLetterTopicOf(topic);
    await this.connection.send([
      {
        topic: deadLetterTopic,
        key: message.key?.toString() ?? '',
        value: JSON.stringify(letter),
        headers: envelope
          ? { ...headersOf(envelope), 'consumer-group': this.group }
          : { 'consumer-group': this.group },
      },
    ]);
    this.metrics.consumed.inc({ type, group: this.group, outcome: 'dead_lettered' });
    this.metrics.deadLettered.inc({ type, group: this.group });
    this.logger.error(
      `${type} ${envelope?.id ?? `at ${topic}/${partition}/${message.offset}`} dead-lettered to ${deadLetterTopic}`,
    );
  }

  private async pause(ms: number, heartbeat: () => Promise<void>): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    // Not committing the offset means another instance (or this one after restart) retries it.
    if (this.stopping) throw new ShuttingDown();
    await heartbeat();
  }

  private async updateLag(): Promise<void> {
    try {
      for (const topic of this.topicList) {
        const [ends, [committed]] = await Promise.all([
          this.connection.admin.fetchTopicOffsets(topic),
          this.connection.admin.fetchOffsets({ groupId: this.group, topics: [topic] }),
        ]);
        const lag = ends.reduce((sum, end) => {
          const done =
            committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
          const from = Number(done) < 0 ? Number(end.low) : Number(done);
          return sum + Math.max(0, Number(end.high) - from);
        }, 0);
        this.metrics.lag.set({ group: this.group, topic }, lag);
      }
    } catch (error) {
      this.logger.debug(
        `consumer lag not updated: ${error instanceof Error ? error.message : error}`,
      );
    }
  }
}

type Parsed =
  | { kind: 'event'; envelope: AnyEventEnvelope }
  /** A type this version of the contracts does not know (e.g. a newer producer's): not ours. */
  | { kind: 'foreign'; type: string }
  | { kind: 'invalid' };

function parseEnvelope(value: string): Parsed {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return { kind: 'invalid' };
  }
  if (typeof parsed !== 'object' || parsed === null) return { kind: 'invalid' };
  const candidate = parsed as Partial<Record<keyof AnyEventEnvelope, unknown>>;
  if (typeof candidate.type === 'string' && !isEventType(candidate.type)) {
    return { kind: 'foreign', type: candidate.type };
  }
  const valid =
    typeof candidate.id === 'string' &&
    isEventType(candidate.type) &&
    typeof candidate.correlationId === 'string' &&
    typeof candidate.data === 'object' &&
    candidate.data !== null;
  return valid ? { kind: 'event', envelope: parsed as AnyEventEnvelope } : { kind: 'invalid' };
}
