import { envBoolean } from '@lib/platform';
import { serviceConfigSchema } from '@lib/platform/service-defaults';
import { z } from 'zod';

const positiveInt = z.coerce.number().int().positive();

/** Compose passes `${ADMIN_EMAIL:-}` as an empty string: empty means not set. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/** auth verifies tokens with the keys it holds, never over HTTP from itself: no JWKS_URL. */
const serviceWithoutJwks = serviceConfigSchema.omit({ JWKS_URL: true });

/** The auth service's env, validated once at start. Nothing else reads process.env. */
export const configSchema = serviceWithoutJwks.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  AUTH_DATABASE_URL: z.url(),

  /** `iss` of issued tokens; every verifier's JWT_ISSUER must match. */
  JWT_ISSUER: z.string().min(1).default('auth'),
  /** `aud` of issued tokens (one, not a list); every verifier's JWT_AUDIENCE must include it. */
  JWT_AUDIENCE: z.string().min(1).default('platform'),
  ACCESS_TOKEN_TTL_SECONDS: positiveInt.max(3600).default(900),
  /** Sliding lifetime of one refresh token: an idle session ends after it. */
  REFRESH_TOKEN_TTL_SECONDS: positiveInt.default(30 * 24 * 3600),
  /** Absolute lifetime of a session (a login and every rotation from it): then log in again. */
  REFRESH_SESSION_MAX_SECONDS: positiveInt.default(90 * 24 * 3600),
  /**
   * A spent refresh token presented again within this many seconds of its rotation, while the
   * token it was exchanged for is still unused, is a retry (the answer was lost), not a theft:
   * it gets a new pair instead of revoking the family. 0 turns the grace off.
   */
  REFRESH_REUSE_GRACE_SECONDS: z.coerce.number().int().min(0).max(60).default(20),

  /**
   * Signing keys as JSON `{"keys":[<private JWK>, …]}`, current first, the rest only published
   * so tokens they signed stay valid (rotation). Takes precedence over AUTH_KEYS_DIR.
   */
  AUTH_SIGNING_KEYS: optional(z.string()),
  /** Holds signing-keys.json when keys come from a file (development, a mounted secret). */
  AUTH_KEYS_DIR: z.string().min(1).default('.devstack/keys/auth'),
  /** Create a key file on first start when none exists. Never in production. */
  AUTH_GENERATE_KEYS: optional(envBoolean),

  /** argon2id cost (docs/auth.md has the measurements behind these defaults). */
  ARGON2_MEMORY_KIB: positiveInt.min(8192).default(19_456),
  ARGON2_TIME_COST: positiveInt.default(2),
  ARGON2_PARALLELISM: positiveInt.max(16).default(1),

  /** Failed logins allowed per account, and per client IP, within one window. */
  LOGIN_MAX_FAILURES_PER_ACCOUNT: positiveInt.default(5),
  LOGIN_MAX_FAILURES_PER_IP: positiveInt.default(50),
  LOGIN_THROTTLE_WINDOW_SECONDS: positiveInt.default(900),

  /** The first admin, created on start when both are set and the email is not yet taken. */
  ADMIN_EMAIL: optional(z.email()),
  ADMIN_PASSWORD: optional(z.string()),
});

export type AppConfig = z.infer<typeof configSchema>;
