import { z } from 'zod';

/** `KAFKA_BROKERS` (docs/architecture.md): a comma list of host:port, for an app's config schema. */
export const kafkaBrokersEnv = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((broker) => broker.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port')).min(1));

/**
 * How the topics an app creates are replicated, per environment (docs/events.md): the dev
 * stack and compose run one broker (1 and 1); a three-broker cluster sets 3 and 2, so a write
 * acknowledged by the producer (acks=all) survives the loss of one broker and writes go on
 * while one broker is down. Spread into an app's config schema.
 */
export const kafkaTopicsEnv = {
  KAFKA_TOPIC_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(16).default(1),
  KAFKA_TOPIC_MIN_INSYNC_REPLICAS: z.coerce.number().int().min(1).max(16).default(1),
};

export interface TopicSettings {
  replicationFactor: number;
  minInsyncReplicas: number;
}

/**
 * The EventsModule options for topic replication, from a config with `kafkaTopicsEnv`. Refuses
 * a min ISR above the replication factor: every write to such a topic would fail.
 */
export function topicSettingsFromConfig(config: {
  KAFKA_TOPIC_REPLICATION_FACTOR: number;
  KAFKA_TOPIC_MIN_INSYNC_REPLICAS: number;
}): TopicSettings {
  if (config.KAFKA_TOPIC_MIN_INSYNC_REPLICAS > config.KAFKA_TOPIC_REPLICATION_FACTOR) {
    throw new Error(
      `KAFKA_TOPIC_MIN_INSYNC_REPLICAS (${config.KAFKA_TOPIC_MIN_INSYNC_REPLICAS}) exceeds ` +
        `KAFKA_TOPIC_REPLICATION_FACTOR (${config.KAFKA_TOPIC_REPLICATION_FACTOR})`,
    );
  }
  return {
    replicationFactor: config.KAFKA_TOPIC_REPLICATION_FACTOR,
    minInsyncReplicas: config.KAFKA_TOPIC_MIN_INSYNC_REPLICAS,
  };
}
