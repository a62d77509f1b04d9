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
