import type { DataSource, EntityManager } from 'typeorm';
import type { AppConfig } from '../config';
import { LoginThrottle } from './login-throttle';
import type { LoginThrottleRepository, ThrottleCount } from './login-throttle.repository';

/** In-memory stand-in for the PostgreSQL counters, with a fixed time left in the window. */
class FakeCounters {
  readonly attempts = new Map<string, number>();

  async hit(_db: EntityManager, key: string): Promise<ThrottleCount> {
    const attempts = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempts);
    return { attempts, retryAfterSeconds: 600 };
  }

  async release(_db: EntityManager, key: string): Promise<void> {
    this.attempts.set(key, Math.max((this.attempts.get(key) ?? 0) - 1, 0));
  }

  async reset(_db: EntityManager, key: string): Promise<void> {
    this.attempts.delete(key);
  }
}

describe('LoginThrottle', () => {
  let counters: FakeCounters;
  let throttle: LoginThrottle;

  beforeEach(() => {
    counters = new FakeCounters();
    throttle = new LoginThrottle(
      { manager: {} as EntityManager } as DataSource,
      counters as unknown as LoginThrottleRepository,
      {
        LOGIN_MAX_FAILURES_PER_ACCOUNT: 3,
        LOGIN_MAX_FAILURES_PER_IP: 5,
        LOGIN_THROTTLE_WINDOW_SECONDS: 900,
      } as AppConfig,
    );
  });

  const failTimes = async (n: number, email: string, ip: string) => {
    for (let i = 0; i < n; i++) await throttle.begin(email, ip);
  };

  it('answers 429 with Retry-After once an account has used up its failures', async () => {
    await failTimes(3, 'a@example.com', '10.0.0.1');
    await expect(throttle.begin('a@example.com', '10.0.0.2')).rejects.toMatchObject({
      status: 429,
      code: 'AUTH.TOO_MANY_ATTEMPTS',
      headers: { 'Retry-After': '600' },
    });
  });

  it('limits one IP across many accounts', async () => {
    for (let i = 0; i < 5; i++) await throttle.begin(`user${i}@example.com`, '10.0.0.9');
    await expect(throttle.begin('other@example.com', '10.0.0.9')).rejects.toMatchObject({
      status: 429,
    });
    await expect(throttle.begin('other@example.com', '10.0.0.10')).resolves.toEqual(
      expect.any(Function),
    );
  });

  it('forgets an account’s failures after a success and does not count successes per IP', async () => {
    await failTimes(2, 'a@example.com', '10.0.0.1');
    const succeeded = await throttle.begin('a@example.com', '10.0.0.1');
    await succeeded();
    await failTimes(3, 'a@example.com', '10.0.0.1');
    const count = (prefix: string) =>
      [...counters.attempts].find(([key]) => key.startsWith(prefix))?.[1];
    expect(count('account:')).toBe(3);
    expect(count('ip:')).toBe(5);
  });

  it('keeps no email address in its keys', async () => {
    await throttle.begin('secret.person@example.com', '10.0.0.1');
    expect([...counters.attempts.keys()].join()).not.toContain('secret');
  });
});
