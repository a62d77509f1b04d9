import { baseConfigSchema } from '@lib/platform';
import { z } from 'zod';

/** Everything the news service reads from env, validated at start. */
export const configSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3004),
});

export type AppConfig = z.infer<typeof configSchema>;
