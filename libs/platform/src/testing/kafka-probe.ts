import { randomUUID } from 'node:crypto';
import { keyOf, topicOf, type AnyEventEnvelope, type EventEnvelope } from '@lib/contracts';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';

/**
 * Another service's side of Kafka, for tests: sends events as their producer would (or as a
 * redelivery would) and records what the app under test publishes. Topics carry `prefix`,
 * the same KAFKA_TOPIC_PREFIX the app under test was given, so test runs stay apart.
 */
export class KafkaProbe {
  readonly received: AnyEventEnvelope[] = [];
  private readonly kafka: Kafka;
  private producer?: Producer;
  private connecting?: Promise<Producer>;
  private consumer?: Consumer;

  constructor(
    brokers: string[],
    private readonly prefix: string,
  ) {
    this.kafka = new Kafka({
      clientId: `probe-${randomUUID()}`,
      brokers,
      logLevel: logLevel.NOTHING,
    });
  }

  /** Connects the producer now rather than on the first send; concurrent callers share it. */
  connect(): Promise<Producer> {
    this.connecting ??= (async () => {
      this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
      await this.producer.connect();
      return this.producer;
    })();
    return this.connecting;
  }

  /** Starts recording `topics` from their beginning (a fresh group, so nothing is missed). */
  async listen(...topics: string[]): Promise<void> {
    this.consumer = this.kafka.consumer({ groupId: `probe-${randomUUID()}` });
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: topics.map((topic) => `${this.prefix}${topic}`),
      fromBeginning: true,
    });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        this.received.push(JSON.parse(message.value?.toString() ?? 'null') as AnyEventEnvelope);
      },
    });
  }

  /** Sends each envelope as its producer would: its type's topic, keyed by its aggregate. */
  async send(...envelopes: EventEnvelope[]): Promise<void> {
    const producer = await this.connect();
    for (const envelope of envelopes) {
      await producer.send({
        topic: `${this.prefix}${topicOf(envelope.type)}`,
        messages: [
          { key: keyOf(envelope.type, envelope.data as never), value: JSON.stringify(envelope) },
        ],
      });
    }
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.producer?.disconnect(), this.consumer?.disconnect()]);
  }
}
