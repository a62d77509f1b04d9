import type { JWTVerifyGetKey } from 'jose';
import { z } from 'zod';

export const AUTH_MODULE_OPTIONS = Symbol('AUTH_MODULE_OPTIONS');

interface CommonOptions {
  /** The `iss` every accepted token must carry. */
  issuer: string;
  /** The `aud` every accepted token must carry (one of them, if several). */
  audience: string | string[];
  /**
   * The only signature algorithms accepted. Pinned so that `alg: none` and HS256-with-the-
   * public-key tricks fail before any key is chosen.
   */
  algorithms?: string[];
  /** Allowed clock skew between this host and auth, for `exp`/`nbf`/`iat`. */
  clockToleranceSeconds?: number;
  /**
   * How many verified tokens to remember (default 10 000; 0 disables). A client sends the same
   * token with every request for its lifetime, and the gateway and the service both verify
   * it: a hit costs a map lookup instead of a signature check.
   */
  verifiedCacheSize?: number;
  /**
   * Longest time a token is served from that cache (default 60 s, never past its `exp`), which
   * bounds how long a key removed from the JWKS still counts.
   */
  verifiedCacheTtlMs?: number;
}

export interface RemoteKeysOptions extends CommonOptions {
  /** Where the auth service publishes its public keys. */
  jwksUrl: string;
  /** How long a fetched JWKS is trusted before it is fetched again. */
  jwksCacheMaxAgeMs?: number;
  /**
   * Minimum time between two fetches. An unknown `kid` triggers a refetch (a rotated key),
   * but no more often than this, so random kids cannot make us hammer auth.
   */
  jwksCooldownMs?: number;
  jwksTimeoutMs?: number;
}

export interface LocalKeysOptions extends CommonOptions {
  /** The keys in-process, for the auth service itself, which holds them. */
  keys: JWTVerifyGetKey;
}

export type AuthModuleOptions = RemoteKeysOptions | LocalKeysOptions;

export const DEFAULT_ALGORITHMS = ['EdDSA'];

/**
 * The env every token-verifying app reads (docs/architecture.md, "Environment"). Extend your app's config schema
 * with it: `baseConfigSchema.extend(jwtVerificationConfigSchema.shape)`.
 */
export const jwtVerificationConfigSchema = z.object({
  JWKS_URL: z
    .url({ protocol: /^https?$/ })
    .default('http://127.0.0.1:3001/api/auth/.well-known/jwks.json'),
  JWT_ISSUER: z.string().min(1).default('auth'),
  /** Comma list; a token must carry one of them. */
  JWT_AUDIENCE: z
    .string()
    .min(1)
    .default('platform')
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    ),
});

export type JwtVerificationConfig = z.infer<typeof jwtVerificationConfigSchema>;

/** Maps the validated env to the module options, for `AuthModule.forRootAsync`. */
export function authOptionsFromConfig(config: JwtVerificationConfig): RemoteKeysOptions {
  return { jwksUrl: config.JWKS_URL, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE };
}
