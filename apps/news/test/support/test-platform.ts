import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventDataMap, EventEnvelope, EventType } from '@lib/contracts';
import { keyOf, topicOf } from '@lib/contracts';
import { TestTokenIssuer } from '@lib/platform';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';

/**
 * The auth service as the app under test sees it: a real JWKS endpoint over HTTP with the
 * public key of a throwaway issuer, so tokens are verified exactly as in production.
 */
export class JwksStub {
  private constructor(
    readonly issuer: TestTokenIssuer,
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<JwksStub> {
    const issuer = await TestTokenIssuer.create();
    const server = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(issuer.jwks));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new JwksStub(issuer, server, `http://127.0.0.1:${port}/jwks.json`);
  }

  /** The env the app needs to trust this issuer. */
  get env(): Record<string, string> {
    return {
      JWKS_URL: this.url,
      JWT_ISSUER: this.issuer.issuer,
      JWT_AUDIENCE: this.issuer.audience,
    };
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Another service's side of Kafka, for tests: sends events as their producer would and
 * records what the app under test publishes. Topics carry the run's prefix.
 */
export class KafkaProbe {
  readonly received: EventEnvelope[] = [];
  private readonly kafka: Kafka;
  private producer?: Producer;
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

  /** Starts recording `topic` from its beginning (a fresh group, so nothing is missed). */
  async listen(topic: string): Promise<void> {
    this.consumer = this.kafka.consumer({ groupId: `probe-${randomUUID()}` });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: `${this.prefix}${topic}`, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        this.received.push(JSON.parse(message.value?.toString() ?? 'null') as EventEnvelope);
      },
    });
  }

  /** Sends `envelope` as its producer would: its type's topic, keyed by its aggregate. */
  async send(envelope: EventEnvelope): Promise<void> {
    if (!this.producer) {
      this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
      await this.producer.connect();
    }
    await this.producer.send({
      topic: `${this.prefix}${topicOf(envelope.type)}`,
      messages: [
        {
          key: keyOf(envelope.type, envelope.data as never),
          value: JSON.stringify(envelope),
        },
      ],
    });
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.producer?.disconnect(), this.consumer?.disconnect()]);
  }
}

export function envelope<T extends EventType>(
  type: T,
  data: EventDataMap[T],
  source: string,
): EventEnvelope<T> {
  return {
    id: randomUUID(),
    type,
    occurredAt: new Date().toISOString(),
    source,
    correlationId: randomUUID(),
    data,
  };
}
