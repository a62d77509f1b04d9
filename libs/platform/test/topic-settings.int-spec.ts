import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { KafkaConnection } from '../src/events/kafka/kafka-connection';

/**
 * Topic replication settings against the dev stack's one-broker Kafka: min.insync.replicas is
 * set on each topic the platform creates, and a replication factor the cluster cannot meet
 * stops the start instead of creating under-replicated topics.
 */
jest.setTimeout(60_000);

describe('topic replication settings (Kafka)', () => {
  const kafka = new Kafka({
    clientId: 'topic-settings-it',
    brokers: process.env.KAFKA_BROKERS!.split(','),
    logLevel: logLevel.NOTHING,
  });
  const connection = new KafkaConnection(kafka);
  const run = randomUUID().slice(0, 8);
  const created: string[] = [];

  beforeAll(() => connection.connect());

  afterAll(async () => {
    if (created.length > 0) await connection.admin.deleteTopics({ topics: created });
    await connection.disconnect();
  });

  it('creates topics with the configured min.insync.replicas, as a topic-level setting', async () => {
    const topic = `it-settings-${run}.auth.users`;
    created.push(topic);
    await connection.ensureTopics([topic], {
      partitions: 2,
      replicationFactor: 1,
      minInsyncReplicas: 1,
    });
    const { resources } = await connection.admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['min.insync.replicas'] },
      ],
    });
    const [entry] = resources[0].configEntries;
    expect({
      name: entry.configName,
      value: entry.configValue,
      isDefault: entry.isDefault,
    }).toEqual({ name: 'min.insync.replicas', value: '1', isDefault: false });
    const [metadata] = (await connection.admin.fetchTopicMetadata({ topics: [topic] })).topics;
    expect(metadata.partitions.map((p) => p.replicas.length)).toEqual([1, 1]);
  });

  it('refuses a replication factor above the number of brokers', async () => {
    const topic = `it-settings-${run}.blog.posts`;
    await expect(
      connection.ensureTopics([topic], {
        partitions: 1,
        replicationFactor: 3,
        minInsyncReplicas: 2,
      }),
    ).rejects.toThrow(/replication factor/i);
    expect(await connection.admin.listTopics()).not.toContain(topic);
  });
});
