import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type EachMessagePayload } from 'kafkajs';
import { eventually, stackEnv } from './stack-env';

describe('dev stack: Kafka (kafkajs)', () => {
  const env = stackEnv();
  const kafka = new Kafka({
    clientId: 'devstack-test',
    brokers: env.KAFKA_BROKERS.split(','),
    logLevel: logLevel.NOTHING,
  });
  const topic = `devstack.test.${randomUUID()}`;
  const groupId = `devstack-test-${randomUUID()}`;
  const admin = kafka.admin();
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId });

  beforeAll(async () => {
    await admin.connect();
    // create topics before subscribing (kafkajs + KRaft auto-creation race)
    await admin.createTopics({
      topics: [{ topic, numPartitions: 2, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    await producer.connect();
    await consumer.connect();
  }, 30_000);

  afterAll(async () => {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }, 30_000);

  it('produces and consumes in a consumer group, committing offsets', async () => {
    const received: { key: string; value: string; partition: number }[] = [];
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message, partition }: EachMessagePayload) => {
        received.push({ key: String(message.key), value: String(message.value), partition });
      },
    });

    const messages = ['a', 'b', 'c', 'd'].flatMap((key) =>
      [1, 2].map((n) => ({ key, value: `${key}-${n}` })),
    );
    const acks = await producer.send({ topic, messages });
    expect(acks.every((a) => a.errorCode === 0)).toBe(true);

    await eventually(
      async () => (received.length === messages.length ? true : undefined),
      30_000,
      `${messages.length} messages`,
    );
    expect(received.map((m) => m.value).sort()).toEqual(messages.map((m) => m.value).sort());
    // same key, same partition, in order
    for (const key of ['a', 'b', 'c', 'd']) {
      const ofKey = received.filter((m) => m.key === key);
      expect(ofKey.map((m) => m.value)).toEqual([`${key}-1`, `${key}-2`]);
      expect(new Set(ofKey.map((m) => m.partition)).size).toBe(1);
    }

    const group = (await admin.describeGroups([groupId])).groups[0];
    expect(group.state).toBe('Stable');
    expect(group.members).toHaveLength(1);

    // the group coordinator stores the committed offsets: all messages are consumed
    const committed = await eventually(
      async () => {
        const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
        const total = offsets.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
        return total === messages.length ? total : undefined;
      },
      20_000,
      'committed offsets',
    );
    expect(committed).toBe(messages.length);
  }, 60_000);
});
