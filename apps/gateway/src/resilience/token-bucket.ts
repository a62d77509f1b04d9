import type { BucketLimit } from '../routing/route-table';

export type TakeResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * In-memory token buckets, one per key (`route|ip|1.2.3.4`). Refill is computed lazily on
 * each take, so idle keys cost nothing but their entry; `sweep` drops the ones that have
 * refilled completely, which bounds memory by the keys active within one refill period.
 *
 * State is per gateway process: with N instances behind a load balancer a client gets up
 * to N times the limit (docs/gateway.md, "Rate limits").
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  take(key: string, limit: BucketLimit): TakeResult {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: limit.burst, updatedAt: now };
      this.buckets.set(key, bucket);
    } else {
      const refill = ((now - bucket.updatedAt) / 1000) * limit.ratePerSecond;
      bucket.tokens = Math.min(limit.burst, bucket.tokens + refill);
      bucket.updatedAt = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / limit.ratePerSecond)),
    };
  }

  /** Forgets buckets untouched for `idleMs`: they would be full again, same as a new one. */
  sweep(idleMs: number): void {
    const cutoff = this.now() - idleMs;
    for (const [key, bucket] of this.buckets) {
      if (bucket.updatedAt < cutoff) this.buckets.delete(key);
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}
