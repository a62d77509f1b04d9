import { backoffDelay, retryPolicy } from './backoff';

describe('retry backoff', () => {
  const policy = retryPolicy({ attempts: 6, initialDelayMs: 100, maxDelayMs: 1000 });
  const noJitter = () => 0.5;

  it('doubles the delay after each failed attempt', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(policy, attempt, noJitter))).toEqual([
      100, 200, 400, 800,
    ]);
  });

  it('never waits longer than the cap', () => {
    expect(backoffDelay(policy, 5, noJitter)).toBe(1000);
    expect(backoffDelay(policy, 30, noJitter)).toBe(1000);
  });

  it('jitters by at most 20 % either way', () => {
    expect(backoffDelay(policy, 2, () => 0)).toBe(160);
    expect(backoffDelay(policy, 2, () => 0.999999)).toBe(240);
  });

  it('defaults to five attempts and rejects a policy that would never run the handler', () => {
    expect(retryPolicy().attempts).toBe(5);
    expect(() => retryPolicy({ attempts: 0 })).toThrow(/positive integer/);
  });
});
