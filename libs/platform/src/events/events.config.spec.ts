import { z } from 'zod';
import { kafkaTopicsEnv, topicSettingsFromConfig } from './events.config';

describe('topic replication settings from env', () => {
  const schema = z.object(kafkaTopicsEnv);

  it('defaults to one broker’s worth (1 and 1), as the dev stack and compose run', () => {
    expect(topicSettingsFromConfig(schema.parse({}))).toEqual({
      replicationFactor: 1,
      minInsyncReplicas: 1,
    });
  });

  it('takes a cluster’s values from env', () => {
    const config = schema.parse({
      KAFKA_TOPIC_REPLICATION_FACTOR: '3',
      KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '2',
    });
    expect(topicSettingsFromConfig(config)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
  });

  it('refuses zero, non-integers, and a min ISR above the replication factor', () => {
    expect(() => schema.parse({ KAFKA_TOPIC_REPLICATION_FACTOR: '0' })).toThrow();
    expect(() => schema.parse({ KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '1.5' })).toThrow();
    const config = schema.parse({
      KAFKA_TOPIC_REPLICATION_FACTOR: '2',
      KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '3',
    });
    expect(() => topicSettingsFromConfig(config)).toThrow(
      'KAFKA_TOPIC_MIN_INSYNC_REPLICAS (3) exceeds KAFKA_TOPIC_REPLICATION_FACTOR (2)',
    );
  });
});
