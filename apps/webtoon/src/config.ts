import { envBoolean } from '@lib/platform';
import { serviceConfigSchema } from '@lib/platform/service-defaults';
import { z } from 'zod';

/** Everything the webtoon service reads from env, validated at start. */
export const configSchema = serviceConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  WEBTOON_DATABASE_URL: z.url(),
  /** Load the demo series and episodes at start (idempotent). `npm start` and compose set it. */
  SEED_DATA: envBoolean.default(false),
  /**
   * How long a cached read (series, episode, lists, ranking) is served before it is read
   * again. Writes on this instance invalidate at once; other instances see them within this.
   */
  READ_CACHE_TTL_MS: z.coerce.number().int().min(0).max(300_000).default(5000),
  /** Entries kept in the read cache; the oldest go first beyond it. */
  READ_CACHE_MAX_ENTRIES: z.coerce.number().int().positive().default(10_000),
  /** View counts are kept in memory and written in one statement this often (and on shutdown). */
  VIEW_FLUSH_INTERVAL_MS: z.coerce.number().int().positive().max(60_000).default(2000),
  /**
   * A purchase still pending this long after it was requested expires (payment did not answer
   * in time); a debit that arrives later is refunded. Fractions are allowed (tests).
   */
  PURCHASE_DEADLINE_SECONDS: z.coerce.number().positive().max(86_400).default(60),
  /** How often this instance looks for pending purchases past their deadline. */
  PURCHASE_SWEEP_INTERVAL_MS: z.coerce.number().int().positive().max(60_000).default(1000),
});

export type AppConfig = z.infer<typeof configSchema>;
