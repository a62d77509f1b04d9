import type { Role } from '@lib/contracts';

/** A token bucket: `ratePerSecond` tokens refill continuously up to `burst`. */
export interface BucketLimit {
  ratePerSecond: number;
  burst: number;
}

export interface RouteRateLimit {
  /** Keyed by client IP: every caller, signed in or not. */
  perIp: BucketLimit;
  /** Keyed by the verified user id, when the request carries a valid token. */
  perUser?: BucketLimit;
}

/**
 * - `none`: the gateway checks no token (the service may; auth does for /me, logout…).
 * - `writes`: reads are public, every other method needs a valid token.
 * - `always`: every request needs a valid token.
 */
export type EdgeAuth = 'none' | 'writes' | 'always';

export interface RouteDefinition {
  /** Path prefix, matched on whole segments: `/api/news` matches `/api/news/1`, not `/api/newsx`. */
  prefix: string;
  /** Consul service name whose passing instances serve this route. */
  service: string;
  auth: EdgeAuth;
  /** When a token is required, the caller needs one of these roles (403 otherwise). */
  roles?: readonly Role[];
  rateLimit: RouteRateLimit;
  /** Until the upstream's response headers arrive, and between body chunks; past it, 504. */
  timeoutMs: number;
  /** Methods retried once on another instance after a connect error or a reset. */
  retryableMethods: readonly string[];
}

/** The catch-all route: it takes every path that no `/api` route takes, and never `/api` itself. */
export const FRONT_END_PREFIX = '/';

/** Methods without side effects (RFC 9110 §9.2.2): sending one twice is harmless. */
export const IDEMPOTENT_METHODS = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'] as const;

/** Reads only: PUT/DELETE are idempotent, but a retried one may be seen twice by audit logs. */
const READS = ['GET', 'HEAD', 'OPTIONS'] as const;

/**
 * What the content services' routes (webtoon, news, blog) share: mostly cheap reads, so
 * generous limits, and every idempotent method retried.
 */
const CONTENT_ROUTE = {
  rateLimit: {
    perIp: { ratePerSecond: 50, burst: 100 },
    perUser: { ratePerSecond: 20, burst: 40 },
  },
  timeoutMs: 5_000,
  retryableMethods: IDEMPOTENT_METHODS,
} satisfies Pick<RouteDefinition, 'rateLimit' | 'timeoutMs' | 'retryableMethods'>;

/**
 * Every public route of the platform (docs/architecture.md, "Public HTTP API conventions"). Services verify tokens
 * and roles themselves too; the edge check sheds anonymous traffic before it costs a hop.
 */
export const ROUTES: readonly RouteDefinition[] = [
  {
    // login/signup/refresh/jwks are public; auth checks the token of /me and logout itself.
    prefix: '/api/auth',
    service: 'auth',
    auth: 'none',
    // Tight per IP: this is where password guessing happens.
    rateLimit: { perIp: { ratePerSecond: 5, burst: 20 } },
    timeoutMs: 5_000,
    retryableMethods: READS,
  },
  {
    prefix: '/api/webtoons',
    service: 'webtoon',
    auth: 'writes',
    ...CONTENT_ROUTE,
  },
  {
    prefix: '/api/payments',
    service: 'payment',
    auth: 'always',
    rateLimit: {
      perIp: { ratePerSecond: 20, burst: 40 },
      perUser: { ratePerSecond: 5, burst: 10 },
    },
    timeoutMs: 10_000,
    // Money moves on POST; those carry an Idempotency-Key and are still never retried here.
    retryableMethods: READS,
  },
  {
    prefix: '/api/news',
    service: 'news',
    auth: 'writes',
    roles: ['editor', 'admin'],
    ...CONTENT_ROUTE,
  },
  {
    prefix: '/api/blog',
    service: 'blog',
    auth: 'writes',
    ...CONTENT_ROUTE,
  },
  {
    // The web front-end: every path outside /api (the single-page app, its assets and its
    // session endpoints). It checks no token here: the pages are public and the app's own
    // session endpoints hold the refresh token (docs/web.md).
    prefix: FRONT_END_PREFIX,
    service: 'web',
    auth: 'none',
    // A page load is a handful of requests (document, script, style); sign-ins through the
    // app's session endpoints are throttled again by auth itself.
    rateLimit: { perIp: { ratePerSecond: 20, burst: 60 } },
    timeoutMs: 5_000,
    retryableMethods: READS,
  },
];

/** The distinct services a route table sends to: what the gateway watches in Consul. */
export function servicesOf(routes: readonly RouteDefinition[]): string[] {
  return [...new Set(routes.map((route) => route.service))];
}
