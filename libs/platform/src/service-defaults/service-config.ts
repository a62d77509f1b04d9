import { z } from 'zod';
import { jwtVerificationConfigSchema } from '../auth/auth.options';
import { baseConfigSchema } from '../config/config';
import { kafkaBrokersEnv, kafkaTopicsEnv } from '../events/events.config';

/**
 * What every service behind the gateway reads from env: the base (ports, discovery, limits,
 * shutdown), token verification and the event bus. A service's `config.ts` extends it with
 * its own settings only: its default PORT, its database URL and what its features read.
 */
export const serviceConfigSchema = baseConfigSchema.extend({
  ...jwtVerificationConfigSchema.shape,
  KAFKA_BROKERS: kafkaBrokersEnv,
  ...kafkaTopicsEnv,
  /** Isolates test runs that share a Kafka cluster; empty in every deployment. */
  KAFKA_TOPIC_PREFIX: z.string().default(''),
});

export type ServiceConfig = z.infer<typeof serviceConfigSchema>;

/** A MongoDB service's own database URL; the database is the URL's path, so it must name one. */
export const mongoUrlEnv = z
  .string()
  .regex(/^mongodb(\+srv)?:\/\/[^/]+\/[^/?]+/, 'expected mongodb://host/database');
