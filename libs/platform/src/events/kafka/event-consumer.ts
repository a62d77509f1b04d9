import { Logger } from '@nestjs/common';
import {
  deadLetterTopicOf,
  eventEnvelopeSchema,
  invalidEventData,
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
import { classifyFailure, type InfrastructureReason } from './failure';
import { headersOf, type KafkaConnection } from './kafka-connection';
import { OffsetTracker } from './offset-tracker';
import type { TopicNames } from './topics';

/** How long shutdown waits for the messages in hand before committing and leaving the group. */
const DRAIN_MS = 5_000;

class ShuttingDown extends Error {
  constructor() {
    super('consumer is shutting down; the event will be redelivered');
  }
}

/**
 * This app's consumer group. Each message is handled through the unit of work (effect and
 * applied-record together), retried with backoff, and after the last attempt parked in
 * `<topic>.dlq` with its error; then its offset is committed so the partition moves on.
 * Offsets are committed every `commitEveryMs` and on shutdown, not after every fetch: a
 * message handled but not committed when an instance dies is delivered again and skipped by
 * the applied-event record.
 */
export class EventConsumer {
  private readonly logger = new Logger('EventConsumer');
  private readonly consumer: Consumer;
  private readonly topicList: string[];
  private stopping = false;
  private crashed: Error | undefined;
  private lagTimer: NodeJS.Timeout | undefined;
  private commitTimer: NodeJS.Timeout | undefined;
  private readonly offsets = new OffsetTracker();
  /** The commit under way (one at a time), so shutdown can wait for it. */
  private committing: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private drained: (() => void) | undefined;
  /** Partitions per topic currently held on an infrastructure error. */
  private readonly heldPartitions = new Map<string, number>();

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
    private readonly commitEveryMs: number,
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
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.offsets.retain(payload.memberAssignment);
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
    // Every topic's series exists from the start, so "held" alerts and dashboards see the 0s.
    for (const topic of this.topicList) this.metrics.retrying.set({ group: this.group, topic }, 0);
    await this.consumer.connect();
    // From the beginning: a group that starts after events were published must still see them.
    await this.consumer.subscribe({ topics: this.topicList, fromBeginning: true });
    await this.consumer.run({
      // The batches of one fetch are handled concurrently, a partition's messages in order.
      partitionsConsumedConcurrently: 3,
      // Committed by `commit`: kafkajs would send a commit after every fetched batch, which
      // under a steady trickle of events is one broker request per event and per group.
      autoCommit: false,
      eachMessage: (payload) => this.handleAndTrack(payload),
    });
    this.lagTimer = setInterval(() => void this.updateLag(), this.lagEveryMs);
    this.lagTimer.unref();
    this.commitTimer = setInterval(() => void this.commit(), this.commitEveryMs);
    this.commitTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.lagTimer);
    clearInterval(this.commitTimer);
    // Fetch nothing more, let the messages in hand finish (an event in retry gives up and is
    // left uncommitted), commit what was handled, then leave the group.
    try {
      this.consumer.pause(this.topicList.map((topic) => ({ topic })));
    } catch {
      // Not running (start failed): nothing is in hand.
    }
    await this.drain();
    await this.commit();
    await this.consumer.disconnect();
  }

  /** Commits the offsets handled since the last commit; one commit at a time. */
  private commit(): Promise<void> {
    this.committing = this.committing.then(() => this.commitHandled());
    return this.committing;
  }

  private async commitHandled(): Promise<void> {
    const offsets = this.offsets.take();
    if (offsets.length === 0) return;
    try {
      await this.consumer.commitOffsets(offsets);
    } catch (error) {
      // Tried again next time; a partition lost in a rebalance meanwhile is dropped then.
      this.offsets.restore(offsets);
      this.logger.debug(`offsets of ${this.group} not committed yet: ${messageOf(error)}`);
    }
  }

  private drain(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, DRAIN_MS);
      this.drained = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async handleAndTrack(payload: EachMessagePayload): Promise<void> {
    this.inFlight++;
    try {
      await this.handleMessage(payload);
      this.offsets.handled(payload.topic, payload.partition, payload.message.offset);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) this.drained?.();
    }
  }

  private async handleMessage({
    topic,
    partition,
    message,
    heartbeat,
  }: EachMessagePayload): Promise<void> {
    const value = message.value?.toString() ?? '';
    const parsed = parseEnvelope(value);
    const handlers = parsed.envelope ? this.handlers.get(parsed.envelope.type) : undefined;
    // A known type this group has no handler for shares our topic (another consumer's): not ours.
    if (parsed.envelope && !handlers) {
      const type = parsed.envelope.type;
      this.metrics.consumed.inc({ type, group: this.group, outcome: 'ignored' });
      return;
    }
    // An invalid message (not an envelope, an unknown type or version, a payload its schema
    // rejects) cannot get better by retrying: it goes straight to the dead letters.
    const envelope = parsed.invalid ? undefined : parsed.envelope;
    const type = parsed.envelope?.type ?? 'invalid';
    let attempts = 0;
    let lastError: unknown = new Error(parsed.invalid);
    let held: Held | undefined;
    try {
      while (envelope && handlers && attempts < this.retry.attempts) {
        try {
          const outcome = await runWithRequestId(envelope.correlationId, () =>
            runAsCauseOf(envelope.id, () => this.unitOfWork.run(envelope, handlers)),
          );
          this.metrics.consumed.inc({ type, group: this.group, outcome });
          return;
        } catch (error) {
          const failure = classifyFailure(error);
          if (failure.kind === 'infrastructure') {
            held ??= this.hold(topic);
            await this.retryLater(held, failure.reason, error, `${type} ${envelope.id}`, heartbeat);
            continue;
          }
          attempts++;
          lastError = error;
          this.metrics.consumed.inc({ type, group: this.group, outcome: 'failed' });
          this.logger.warn(
            `${type} ${envelope.id} failed (attempt ${attempts}/${this.retry.attempts}): ${messageOf(error)}`,
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
      // Parking the letter needs the broker: while it is away, wait for it like for any outage.
      for (;;) {
        try {
          await this.connection.send([
            {
              topic: deadLetterTopic,
              key: message.key?.toString() ?? '',
              value: JSON.stringify(letter),
              headers: parsed.envelope
                ? { ...headersOf(parsed.envelope), 'consumer-group': this.group }
                : { 'consumer-group': this.group },
            },
          ]);
          break;
        } catch (error) {
          held ??= this.hold(topic);
          await this.retryLater(held, 'broker', error, `dead letter of ${type}`, heartbeat);
        }
      }
      this.metrics.consumed.inc({ type, group: this.group, outcome: 'dead_lettered' });
      this.metrics.deadLettered.inc({ type, group: this.group });
      this.logger.error(
        `${type} ${parsed.envelope?.id ?? `at ${topic}/${partition}/${message.offset}`} dead-lettered to ${deadLetterTopic}: ${messageOf(lastError)}`,
      );
    } finally {
      if (held) this.release(held);
    }
  }

  /**
   * Marks a partition of `topic` as held on an infrastructure error: the message is retried in
   * place, its offset uncommitted, so the partition does not move on until it succeeds.
   * (kafkajs fetches again from a broker only once that fetch's batches are done, so the
   * consumer's other partitions on that broker wait too: during an outage they would fail
   * the same way.)
   */
  private hold(topic: string): Held {
    this.heldPartitions.set(topic, (this.heldPartitions.get(topic) ?? 0) + 1);
    this.metrics.retrying.set({ group: this.group, topic }, 1);
    return { topic, retries: 0, since: Date.now() };
  }

  private release(held: Held): void {
    const left = (this.heldPartitions.get(held.topic) ?? 1) - 1;
    this.heldPartitions.set(held.topic, left);
    if (left === 0) this.metrics.retrying.set({ group: this.group, topic: held.topic }, 0);
    this.logger.log(
      `${held.topic}: resumed after ${held.retries} infrastructure retries in ${Date.now() - held.since} ms`,
    );
  }

  private async retryLater(
    held: Held,
    reason: InfrastructureReason,
    error: unknown,
    what: string,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    held.retries++;
    this.metrics.retries.inc({ group: this.group, topic: held.topic, reason });
    // The first retry and then one in ten: an outage must not flood the log.
    if (held.retries % 10 === 1) {
      this.logger.warn(
        `${what}: ${reason} unavailable (${messageOf(error)}); retrying without limit (retry ${held.retries})`,
      );
    }
    await this.pause(backoffDelay(this.retry, held.retries), heartbeat);
  }

  private async pause(ms: number, heartbeat: () => Promise<void>): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    // Not committing the offset means another instance (or this one after restart) retries it.
    if (this.stopping) throw new ShuttingDown();
    try {
      await heartbeat();
    } catch (error) {
      // A rebalance takes the partition away: let kafkajs rejoin; the event is redelivered.
      // Any other failure is the broker being away, which the retry loop is waiting out.
      if (isRebalance(error)) throw error;
    }
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

interface Held {
  topic: string;
  retries: number;
  since: number;
}

/** `envelope` when the envelope is sound and its type known; `invalid` says what is wrong. */
interface Parsed {
  envelope?: AnyEventEnvelope;
  invalid?: string;
}

/**
 * The envelope, its type known to these contracts and its payload valid for that type's
 * schema, or why not. A type this build does not know (a newer version, a typo) is invalid
 * too: a new version is a new type, deployed to consumers before producers use it.
 */
export function parseEnvelope(value: string): Parsed {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return { invalid: 'not JSON' };
  }
  const envelope = eventEnvelopeSchema.safeParse(parsed);
  if (!envelope.success) {
    const issues = envelope.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    return { invalid: `not a valid event envelope (${issues.join('; ')})` };
  }
  const { type, data } = envelope.data;
  if (!isEventType(type)) return { invalid: `unknown event type ${type}` };
  const event = parsed as AnyEventEnvelope;
  const invalid = invalidEventData(type, data);
  return invalid
    ? { envelope: event, invalid: `invalid ${type}: ${invalid}` }
    : { envelope: event };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isRebalance(error: unknown): boolean {
  const type = (error as { type?: unknown } | undefined)?.type;
  return (
    type === 'REBALANCE_IN_PROGRESS' ||
    type === 'UNKNOWN_MEMBER_ID' ||
    type === 'ILLEGAL_GENERATION'
  );
}
