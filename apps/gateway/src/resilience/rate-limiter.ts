import { createHash, timingSafeEqual } from 'node:crypto';
import { DomainError } from '@lib/platform';
import type { BucketLimit, RouteDefinition } from '../routing/route-table';
import { TokenBuckets } from './token-bucket';

export type LimitKind = 'ip' | 'user' | 'load-test';

export interface LoadTestPass {
  /** The shared secret a load generator presents in `x-load-test-key`. */
  key: string;
  /** One bucket per route for every recognised load-test request together. */
  limit: BucketLimit;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Long enough for any bucket of the route table to refill completely (burst / rate). */
const IDLE_BUCKET_MS = 60_000;

/**
 * Per-route token buckets by client IP and, once a token has been verified, by user.
 * `scale` multiplies every limit of the table: with N gateway instances behind a round-robin
 * load balancer, setting it to 1/N keeps a client's total at the table's figure.
 */
export class RateLimiter {
  private readonly buckets: TokenBuckets;
  private readonly sweeper: NodeJS.Timeout;
  private readonly passDigest: Buffer | undefined;

  constructor(
    private readonly scale: number,
    private readonly onLimited: (route: RouteDefinition, kind: LimitKind) => void,
    now?: () => number,
    private readonly pass?: LoadTestPass,
  ) {
    this.passDigest = pass ? digest(pass.key) : undefined;
    this.buckets = new TokenBuckets(now);
    this.sweeper = setInterval(() => this.buckets.sweep(IDLE_BUCKET_MS), IDLE_BUCKET_MS);
    this.sweeper.unref();
  }

  /**
   * Takes a token from the client IP's bucket; throws a 429 DomainError when it is empty.
   * Runs before token verification, so a flood of forged tokens is shed before any crypto.
   */
  consumeIp(route: RouteDefinition, ip: string, loadTestKey?: string | string[]): void {
    if (this.pass && this.isLoadTest(loadTestKey)) {
      this.take(route, 'load-test', '*', this.pass.limit);
      return;
    }
    this.take(route, 'ip', ip, route.rateLimit.perIp);
  }

  /** The same for the verified user's bucket, when the route has a per-user limit. */
  consumeUser(route: RouteDefinition, userId: string): void {
    if (route.rateLimit.perUser) this.take(route, 'user', userId, route.rateLimit.perUser);
  }

  /**
   * Digests of equal length compared in constant time: neither the key's length nor its
   * prefix leaks through timing. A wrong key is simply an ordinary client.
   */
  private isLoadTest(presented: string | string[] | undefined): boolean {
    if (typeof presented !== 'string' || !this.passDigest) return false;
    return timingSafeEqual(digest(presented), this.passDigest);
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private take(route: RouteDefinition, kind: LimitKind, key: string, limit: BucketLimit): void {
    const result = this.buckets.take(`${route.prefix}|${kind}|${key}`, {
      ratePerSecond: limit.ratePerSecond * this.scale,
      burst: Math.max(1, Math.round(limit.burst * this.scale)),
    });
    if (result.allowed) return;
    this.onLimited(route, kind);
    throw new DomainError(
      'GATEWAY.RATE_LIMITED',
      `Too many requests; retry in ${result.retryAfterSeconds} s`,
      429,
      { 'Retry-After': String(result.retryAfterSeconds) },
    );
  }
}
