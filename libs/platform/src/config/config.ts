import { z } from 'zod';
import { isValidProxyList } from '../http/trusted-proxies';

/** Injection token for an app's validated config object. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/** Env booleans: only the four spellings people use, never JS truthiness ("false" is true). */
export const envBoolean = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

/** A comma list, blanks dropped; each entry is checked when the app starts. */
export const trustedProxies = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  )
  .refine(isValidProxyList, 'must be a comma list of addresses, CIDRs or proxy-addr names');

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** What every app reads from env, whatever it does. Apps `.extend()` it with their own. */
export const baseConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** Where the HTTP server binds; loopback unless a container or pod needs 0.0.0.0. */
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535),
  /**
   * The admin port: /health/*, /metrics, /openapi.json (and the gateway's /gateway/upstreams),
   * for probes, Prometheus, Consul and the gateway, never the public. Default PORT + 1000
   * (an ephemeral port when PORT is 0); see `adminPortOf`.
   */
  ADMIN_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** The address this instance registers in Consul, reachable by the gateway and Prometheus. */
  SERVICE_ADDRESS: z.string().min(1).default('127.0.0.1'),
  SERVICE_VERSION: z.string().min(1).default('0.1.0'),
  CONSUL_URL: z.url().default('http://127.0.0.1:8500'),
  CONSUL_REGISTER: envBoolean.default(true),
  CONSUL_CHECK_INTERVAL: z
    .string()
    .regex(/^\d+(ms|s|m)$/)
    .default('2s'),
  LOG_LEVEL: logLevel.default('info'),
  /** Larger bodies get 413 before any parsing. */
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),
  /** Deeper JSON bodies get 400 before they are parsed; no DTO of the platform nests past 5. */
  JSON_MAX_DEPTH: z.coerce.number().int().min(1).max(256).default(32),
  /** JSON bodies with more object keys, all levels together, get 400. */
  JSON_MAX_KEYS: z.coerce.number().int().positive().default(1_000),
  /**
   * The hops whose X-Forwarded-For is believed (comma list of addresses, CIDRs, or `loopback`,
   * `linklocal`, `uniquelocal`). Default: loopback, where the gateway runs beside the services
   * natively; each deployment names its own (docs/security.md). Empty trusts no one.
   */
  TRUSTED_PROXIES: trustedProxies.default(['loopback']),
  /** After deregistering, keep serving this long so routers stop sending before we close. */
  SHUTDOWN_DRAIN_DELAY_MS: z.coerce.number().int().min(0).default(1000),
  /** Hard bound on the whole shutdown; past it the process exits non-zero. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
});

export type BaseConfig = z.infer<typeof baseConfigSchema>;

/** The port of the admin listener: ADMIN_PORT, else PORT + 1000, else (PORT 0) any free one. */
export function adminPortOf(config: Pick<BaseConfig, 'PORT' | 'ADMIN_PORT'>): number {
  if (config.ADMIN_PORT !== undefined) return config.ADMIN_PORT;
  return config.PORT === 0 ? 0 : config.PORT + 1000;
}

export type ConfigSchema<C extends BaseConfig = BaseConfig> = z.ZodType<C, unknown>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates env once, at start, into a typed object. Every invalid or missing variable is
 * named in one error, so a misconfigured deployment fails fast with the whole list.
 */
export function loadConfig<C extends BaseConfig>(
  schema: ConfigSchema<C>,
  env: Record<string, string | undefined> = process.env,
): C {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(root)';
      const given = issue.path.length === 1 ? env[String(issue.path[0])] : undefined;
      return given === undefined
        ? `${name}: ${issue.message} (not set)`
        : `${name}: ${issue.message}`;
    }),
  );
}
