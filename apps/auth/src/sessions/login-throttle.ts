import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, DomainError } from '@lib/platform';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config';
import { LoginThrottleRepository } from './login-throttle.repository';

/** Call when the credentials were right: the attempt then stops counting as a failure. */
export type LoginSucceeded = () => Promise<void>;

/**
 * Limits failed logins per account and per client IP. An attempt is counted before the
 * password is checked, so a burst of parallel guesses is counted while in flight, and taken
 * back when it succeeds; a success also clears the account's count.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly dataSource: DataSource,
    private readonly counters: LoginThrottleRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Throws 429 with Retry-After when either limit is exceeded. */
  async begin(email: string, ip: string): Promise<LoginSucceeded> {
    // Hashed so that the throttle table holds no email addresses.
    const accountKey = `account:${createHash('sha256').update(email).digest('hex')}`;
    const ipKey = `ip:${ip}`;
    const window = this.config.LOGIN_THROTTLE_WINDOW_SECONDS;
    const db = this.dataSource.manager;
    const [account, client] = await Promise.all([
      this.counters.hit(db, accountKey, window),
      this.counters.hit(db, ipKey, window),
    ]);
    const waits = [
      account.attempts > this.config.LOGIN_MAX_FAILURES_PER_ACCOUNT ? account.retryAfterSeconds : 0,
      client.attempts > this.config.LOGIN_MAX_FAILURES_PER_IP ? client.retryAfterSeconds : 0,
    ];
    const retryAfter = Math.max(...waits);
    if (retryAfter > 0) {
      throw new DomainError(
        'AUTH.TOO_MANY_ATTEMPTS',
        'Too many failed login attempts; try again later',
        429,
        { 'Retry-After': String(retryAfter) },
      );
    }
    return async () => {
      await Promise.all([this.counters.reset(db, accountKey), this.counters.release(db, ipKey)]);
    };
  }

  deleteExpired(): Promise<void> {
    return this.counters.deleteExpired(
      this.dataSource.manager,
      this.config.LOGIN_THROTTLE_WINDOW_SECONDS,
    );
  }
}
