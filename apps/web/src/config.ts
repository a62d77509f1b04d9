import { resolve } from 'node:path';
import { baseConfigSchema, envBoolean } from '@lib/platform';
import { z } from 'zod';

/** Everything the web front-end's server reads from env, validated at start. */
export const configSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3006),
  /**
   * The built single-page app (index.html and assets/). The default is where the build puts
   * it beside this server's own output: dist/apps/web/public.
   */
  WEB_ASSETS_DIR: z
    .string()
    .min(1)
    .default(resolve(__dirname, '..', '..', '..', 'public')),
  /**
   * Mark the session cookie `Secure` even when the request did not arrive over https
   * (X-Forwarded-Proto). Leave false only where the platform is reached over plain http.
   */
  WEB_SECURE_COOKIES: envBoolean.default(false),
  /** How long the browser keeps the refresh-token cookie: auth's refresh token lifetime. */
  WEB_SESSION_MAX_AGE_SECONDS: z.coerce.number().int().positive().default(2_592_000),
  /** Per call to auth, until its response headers. */
  WEB_AUTH_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
});

export type AppConfig = z.infer<typeof configSchema>;
