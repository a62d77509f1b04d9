import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface ThrottleCount {
  /** Attempts in the current window, this one included. */
  attempts: number;
  /** Seconds until the current window ends. */
  retryAfterSeconds: number;
}

/** Fixed-window attempt counters in PostgreSQL, shared by every auth instance. */
@Injectable()
export class LoginThrottleRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Counts one attempt atomically, starting a new window when the last one has ended. */
  async hit(key: string, windowSeconds: number): Promise<ThrottleCount> {
    const rows: { attempts: number; retry_after: number }[] = await this.dataSource.query(
      `INSERT INTO login_throttle AS t (key, attempts, window_started_at) VALUES ($1, 1, now())
       ON CONFLICT (key) DO UPDATE SET
         attempts = CASE WHEN t.window_started_at <= now() - $2::int * interval '1 second'
                         THEN 1 ELSE t.attempts + 1 END,
         window_started_at = CASE WHEN t.window_started_at <= now() - $2::int * interval '1 second'
                                  THEN now() ELSE t.window_started_at END
       RETURNING attempts,
         GREATEST(1, CEIL(EXTRACT(EPOCH FROM
           window_started_at + $2::int * interval '1 second' - now())))::int AS retry_after`,
      [key, windowSeconds],
    );
    const [row] = rows;
    if (!row) throw new Error('login_throttle upsert returned no row');
    return { attempts: row.attempts, retryAfterSeconds: row.retry_after };
  }

  /** Takes back one attempt: it succeeded, so it should not count as a failure. */
  async release(key: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE login_throttle SET attempts = GREATEST(attempts - 1, 0) WHERE key = $1`,
      [key],
    );
  }

  async reset(key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM login_throttle WHERE key = $1`, [key]);
  }

  async deleteExpired(windowSeconds: number): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM login_throttle WHERE window_started_at <= now() - $1::int * interval '1 second'`,
      [windowSeconds],
    );
  }
}
