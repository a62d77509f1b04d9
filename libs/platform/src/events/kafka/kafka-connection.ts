import { Logger } from '@nestjs/common';
import type { EventEnvelope } from '@lib/contracts';
import {
  Kafka,
  logLevel,
  Partitioners,
  type Admin,
  type IHeaders,
  type LogEntry,
  type Producer,
} from 'kafkajs';

/** One event ready to go to Kafka (from either outbox). */
export interface OutgoingEvent {
  topic: string;
  key: string;
  /** Envelope JSON. */
  value: string;
  headers: IHeaders;
}

const logger = new Logger('Kafka');
const LEADER_WAIT_MS = 30_000;
const COORDINATOR_WAIT_MS = 60_000;

/**
 * Errors after which an idempotent producer's sequence numbers no longer match the broker's
 * (e.g. a batch lost in a broker restart): every later send by the same producer fails the
 * same way, so it must be replaced by a new one, which gets a new producer id.
 */
const PRODUCER_STATE_LOST = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
]);

/** The kafkajs error type of `error` or of an error it wraps (a retry's last failure). */
export function producerStateLost(error: unknown): boolean {
  for (
    let e = error as { type?: unknown; originalError?: unknown; cause?: unknown } | undefined;
    e;
  ) {
    if (typeof e.type === 'string' && PRODUCER_STATE_LOST.has(e.type)) return true;
    e = (e.originalError ?? e.cause) as typeof e;
  }
  return false;
}

function onlyAlreadyExists(error: unknown): boolean {
  const errors = (error as { errors?: { type?: string }[] }).errors;
  return (
    Array.isArray(errors) &&
    errors.length > 0 &&
    errors.every((e) => e.type === 'TOPIC_ALREADY_EXISTS')
  );
}

/**
 * kafkajs reports "Topic creation errors" with the reasons in `errors`; the start-up failure
 * names them (e.g. a replication factor larger than the cluster: INVALID_REPLICATION_FACTOR).
 */
function topicCreationError(error: unknown, settings: { replicationFactor: number }): unknown {
  const errors = (error as { errors?: { type?: string; message?: string }[] }).errors;
  if (!Array.isArray(errors) || errors.length === 0) return error;
  const reasons = [...new Set(errors.map((e) => e.type ?? e.message))].join(', ');
  return new Error(
    `creating topics failed (replication factor ${settings.replicationFactor}): ${reasons}`,
    { cause: error },
  );
}

/** Message headers, so tools can filter and trace without parsing the value. */
export function headersOf(envelope: EventEnvelope): IHeaders {
  return {
    'event-type': envelope.type,
    'event-id': envelope.id,
    'correlation-id': envelope.correlationId,
    source: envelope.source,
  };
}

export function outgoing(
  physicalTopic: string,
  key: string,
  envelope: EventEnvelope,
): OutgoingEvent {
  return {
    topic: physicalTopic,
    key,
    value: JSON.stringify(envelope),
    headers: headersOf(envelope),
  };
}

/**
 * kafkajs logs through Nest's logger, so its lines share the app's format. Its connection
 * layer reports every failed response (e.g. "not the leader" while a new topic settles) even
 * though the layers above retry; only what survives the retries is worth an error line.
 */
function logCreator() {
  return ({ namespace, level, log }: LogEntry) => {
    const { message, ...extra } = log;
    const line = `${message} ${JSON.stringify(extra)}`;
    if (namespace === 'Connection' || level >= logLevel.INFO) logger.debug(line);
    // A failure kafkajs is about to retry is a warning; the error comes if retries run out.
    else if (level === logLevel.ERROR && !('retryCount' in extra)) logger.error(line);
    else logger.warn(line);
  };
}

export function createKafka(clientId: string, brokers: string[]): Kafka {
  return new Kafka({ clientId, brokers, logLevel: logLevel.WARN, logCreator });
}

/**
 * The app's producer and admin client. The producer is idempotent (acks=all, one request in
 * flight), so a retried send after a lost ack does not duplicate or reorder within a partition.
 */
export class KafkaConnection {
  readonly admin: Admin;
  private producer: Producer;
  /** Set when the producer was replaced: the next send connects it first. */
  private producerConnecting: Promise<void> | undefined;
  private producerFresh = false;

  constructor(readonly kafka: Kafka) {
    this.admin = kafka.admin();
    this.producer = this.newProducer();
  }

  private newProducer(): Producer {
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // The Java client's murmur2 partitioner: the same key lands on the same partition from any client.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async connect(): Promise<void> {
    await Promise.all([this.admin.connect(), this.producer.connect()]);
  }

  /**
   * Creates missing topics before anyone subscribes, and waits until each partition has a
   * leader: with KRaft a fresh topic is briefly unknown to the broker, and kafkajs's own
   * `waitForLeaders` gives up on that instead of retrying, as does a group join on it.
   */
  async ensureTopics(
    topics: string[],
    settings: { partitions: number; replicationFactor: number; minInsyncReplicas: number },
  ): Promise<void> {
    const existing = new Set(await this.admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      try {
        await this.admin.createTopics({
          waitForLeaders: false,
          topics: missing.map((topic) => ({
            topic,
            numPartitions: settings.partitions,
            replicationFactor: settings.replicationFactor,
            configEntries: [
              { name: 'min.insync.replicas', value: String(settings.minInsyncReplicas) },
            ],
          })),
        });
      } catch (error) {
        // Another instance starting at the same moment may have created some of them first.
        if (!onlyAlreadyExists(error)) throw topicCreationError(error, settings);
      }
    }
    await this.waitForLeaders(topics);
  }

  private async waitForLeaders(topics: string[]): Promise<void> {
    const deadline = Date.now() + LEADER_WAIT_MS;
    for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
      try {
        const { topics: metadata } = await this.admin.fetchTopicMetadata({ topics });
        const ready = metadata.every(
          (topic) => topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0),
        );
        if (ready) return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline) throw new Error(`topics have no leader yet: ${topics.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /**
   * Waits until the broker names the group's coordinator. On a fresh broker the offsets topic
   * is created by the first such request and is unavailable for a while; a consumer that joins
   * then crashes for good (kafkajs does not restart on "group coordinator not found").
   */
  async waitForGroupCoordinator(group: string, timeoutMs = COORDINATOR_WAIT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
      try {
        await this.admin.describeGroups([group]);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  async send(events: OutgoingEvent[]): Promise<void> {
    const byTopic = new Map<string, OutgoingEvent[]>();
    for (const event of events) {
      const list = byTopic.get(event.topic) ?? [];
      list.push(event);
      byTopic.set(event.topic, list);
    }
    const producer = this.producer;
    try {
      await this.connectReplacement(producer);
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, list]) => ({
          topic,
          messages: list.map(({ key, value, headers }) => ({ key, value, headers })),
        })),
      });
    } catch (error) {
      // The caller retries the batch (outboxes are at least once, consumers idempotent); it
      // must then go out through a producer the broker accepts.
      if (producerStateLost(error) && producer === this.producer) await this.replaceProducer();
      throw error;
    }
  }

  private async replaceProducer(): Promise<void> {
    logger.warn(
      'the broker lost track of this producer (e.g. after a restart); starting a new one',
    );
    const old = this.producer;
    this.producer = this.newProducer();
    this.producerFresh = true;
    await Promise.allSettled([old.disconnect()]);
  }

  /** Connects a replaced producer once, shared by concurrent senders; a failure is retried by the next send. */
  private async connectReplacement(producer: Producer): Promise<void> {
    if (!this.producerFresh) return;
    this.producerConnecting ??= producer
      .connect()
      .then(() => {
        if (producer === this.producer) this.producerFresh = false;
      })
      .finally(() => {
        this.producerConnecting = undefined;
      });
    await this.producerConnecting;
  }

  async disconnect(): Promise<void> {
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }
}
