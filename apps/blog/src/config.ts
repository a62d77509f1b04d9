import { baseConfigSchema, jwtVerificationConfigSchema } from '@lib/platform';
import { kafkaBrokersEnv, kafkaTopicsEnv } from '@lib/platform/events';
import { z } from 'zod';

/** Everything the blog service reads from env, validated at start. */
export const configSchema = baseConfigSchema.extend({
  ...jwtVerificationConfigSchema.shape,
  PORT: z.coerce.number().int().min(0).max(65535).default(3005),
  /** The blog service's own database; its name is the URL's path. */
  BLOG_MONGODB_URL: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\/[^/]+\/[^/?]+/, 'expected mongodb://host/database'),
  KAFKA_BROKERS: kafkaBrokersEnv,
  ...kafkaTopicsEnv,
  /** Isolates test runs that share a Kafka cluster; empty in every deployment. */
  KAFKA_TOPIC_PREFIX: z.string().default(''),
});

export type AppConfig = z.infer<typeof configSchema>;
