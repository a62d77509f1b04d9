import { mongoUrlEnv, serviceConfigSchema } from '@lib/platform/service-defaults';
import { z } from 'zod';

/** Everything the blog service reads from env, validated at start. */
export const configSchema = serviceConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3005),
  /** The blog service's own database; its name is the URL's path. */
  BLOG_MONGODB_URL: mongoUrlEnv,
});

export type AppConfig = z.infer<typeof configSchema>;
