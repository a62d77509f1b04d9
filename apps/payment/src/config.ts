import { serviceConfigSchema } from '@lib/platform/service-defaults';
import { z } from 'zod';

/** Everything the payment service reads from env, validated at start. */
export const configSchema = serviceConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3003),
  PAYMENT_DATABASE_URL: z.url(),
  /** Coins credited to a new wallet when its user signs up. */
  SIGNUP_BONUS_COINS: z.coerce.number().int().min(0).max(1_000_000).default(100),
  /**
   * The secret key of the top-ups' request fingerprint (an HMAC over amount and card number,
   * docs/payment.md). Keep it stable: a new key makes retries of earlier keys answer 422.
   */
  PAYMENT_FINGERPRINT_KEY: z.string().min(16),
  /** Largest single top-up, in coins. */
  TOP_UP_MAX_COINS: z.coerce.number().int().positive().max(100_000_000).default(100_000),
  /**
   * A purchase request for a user with no wallet waits this long (from the request) for the
   * user's signup event before it is declined WALLET_NOT_FOUND: a brand-new user may buy
   * before payment has opened the wallet.
   */
  WALLET_WAIT_SECONDS: z.coerce.number().min(0).max(3600).default(30),
});

export type AppConfig = z.infer<typeof configSchema>;
