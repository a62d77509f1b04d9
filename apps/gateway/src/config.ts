import { baseConfigSchema, jwtVerificationConfigSchema, trustedProxies } from '@lib/platform';
import { z } from 'zod';

/** Everything the gateway reads from env, validated at start. */
export const configSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /**
   * The gateway faces clients: it believes X-Forwarded-For from nobody unless a deployment puts
   * a proxy (an Ingress, a load balancer) in front and names it here.
   */
  TRUSTED_PROXIES: trustedProxies.default([]),
  ...jwtVerificationConfigSchema.shape,
  /**
   * Multiplies every rate limit of the route table. With N gateway instances behind a
   * round-robin load balancer, 1/N keeps a client's overall limit at the table's figure.
   */
  GATEWAY_RATE_LIMIT_SCALE: z.coerce.number().positive().default(1),
  /**
   * The load-test pass: a request whose `x-load-test-key` header equals this secret is counted
   * against one shared bucket per route (`GATEWAY_LOAD_TEST_RATE` req/s, burst twice that)
   * instead of its client IP's. Unset (production): no request is recognised, the table's
   * limits apply to everyone (an empty value counts as unset). The load-generator component
   * sets it from a Secret.
   */
  GATEWAY_LOAD_TEST_KEY: z.union([z.literal(''), z.string().min(32)]).optional(),
  GATEWAY_LOAD_TEST_RATE: z.coerce.number().positive().default(1_000),
  /** Upper bound on keep-alive connections from this gateway to one upstream instance. */
  GATEWAY_CONNECTIONS_PER_INSTANCE: z.coerce.number().int().positive().default(128),
  /** A connect that takes longer counts as refused and is retried on another instance. */
  GATEWAY_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().default(1_000),
  /**
   * Where the platform console's overview (/api/platform/overview) reads rates, latencies,
   * events and the saga from. Unset (or empty): the overview shows the gateway's own view only.
   */
  PROMETHEUS_URL: z.preprocess((value) => (value === '' ? undefined : value), z.url().optional()),
});

export type AppConfig = z.infer<typeof configSchema>;

/**
 * How the gateway is built on the platform, in production and in its tests alike. The proxy
 * names the request id in what it logs and forwards, so no request runs in the async context:
 * on Node 20 that would put promise hooks on every promise of the process (about 8 % of CPU
 * per request).
 */
export const GATEWAY_APP = {
  name: 'gateway',
  configSchema: configSchema,
  requestContext: false,
  // Instance addresses, versions and breaker states are for operators, not the public.
  adminPaths: ['/gateway/'],
} as const;
