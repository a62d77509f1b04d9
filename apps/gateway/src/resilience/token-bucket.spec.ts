import { TokenBuckets } from './token-bucket';

describe('TokenBuckets', () => {
  let now = 0;
  const buckets = new TokenBuckets(() => now);
  const limit = { ratePerSecond: 2, burst: 3 };

  beforeEach(() => {
    now = 0;
    buckets.sweep(-1);
  });

  it('allows a burst, then refuses with the time until the next token', () => {
    expect([1, 2, 3].map(() => buckets.take('a', limit).allowed)).toEqual([true, true, true]);
    expect(buckets.take('a', limit)).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('refills at the configured rate, never above the burst', () => {
    for (let i = 0; i < 3; i++) buckets.take('a', limit);
    now = 500; // one token back
    expect(buckets.take('a', limit).allowed).toBe(true);
    expect(buckets.take('a', limit).allowed).toBe(false);
    now = 60_000;
    const allowed = [1, 2, 3, 4].map(() => buckets.take('a', limit).allowed);
    expect(allowed).toEqual([true, true, true, false]);
  });

  it('keeps keys apart', () => {
    for (let i = 0; i < 3; i++) buckets.take('a', limit);
    expect(buckets.take('a', limit).allowed).toBe(false);
    expect(buckets.take('b', limit).allowed).toBe(true);
  });

  it('rounds Retry-After up for slow rates', () => {
    const slow = { ratePerSecond: 0.1, burst: 1 };
    buckets.take('s', slow);
    expect(buckets.take('s', slow)).toEqual({ allowed: false, retryAfterSeconds: 10 });
  });

  it('sweeps only idle buckets', () => {
    buckets.take('old', limit);
    now = 10_000;
    buckets.take('new', limit);
    buckets.sweep(5_000);
    expect(buckets.size).toBe(1);
  });
});
