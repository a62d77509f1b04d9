import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  keyOf,
  topicOf,
  type EventDataMap,
  type EventEnvelope,
  type EventType,
} from '@lib/contracts';
import { TestTokenIssuer } from '@lib/platform';
import { Kafka, logLevel, type Producer } from 'kafkajs';

/** Serves a TestTokenIssuer's public keys as the auth service would, for JWKS_URL. */
export async function startJwks(): Promise<{
  issuer: TestTokenIssuer;
  url: string;
  server: Server;
}> {
  const issuer = await TestTokenIssuer.create();
  const server = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify(issuer.jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { issuer, server, url: `http://127.0.0.1:${port}/jwks.json` };
}

export function envelope<T extends EventType>(
  type: T,
  data: EventDataMap[T],
  id: string = randomUUID(),
): EventEnvelope<T> {
  return {
    id,
    type,
    occurredAt: new Date().toISOString(),
    source: 'test',
    correlationId: randomUUID(),
    data,
  };
}

/** Publishes envelopes straight to Kafka, as another service (or a redelivery) would. */
export class TestPublisher {
  private readonly producer: Producer;

  constructor(
    brokers: string[],
    private readonly prefix: string,
  ) {
    this.producer = new Kafka({
      clientId: `test-${randomUUID().slice(0, 8)}`,
      brokers,
      logLevel: logLevel.NOTHING,
    }).producer();
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  async send(...events: EventEnvelope[]): Promise<void> {
    for (const event of events) {
      await this.producer.send({
        topic: `${this.prefix}${topicOf(event.type)}`,
        messages: [{ key: keyOf(event.type, event.data as never), value: JSON.stringify(event) }],
      });
    }
  }
}
