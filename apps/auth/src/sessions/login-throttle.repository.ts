import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface ThrottleCount {
  /** Attempts in the current window, this one included. */
  attempts: number;
  /** Seconds until the current window ends. */
  retryAfterSeconds: number;
}

/**
 * Fixed-window attempt counters in PostgreSQL, shared by every auth instance; each query runs
 * on the manager it is given (docs/adding-a-service.md).
 */
@Injectable()
export class LoginThrottleRepository {
  /** Counts one attempt atomically, starting a new window when the last one has ended. */
  async hit(db: EntityManager, key: string, windowSeconds: number): Promise<ThrottleCount> {
    const rows: { attempts: number; retry_after: number }[] = await db.query(
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
  async release(db: EntityManager, key: string): Promise<void> {
    await db.query(
      `UPDATE login_throttle SET attempts = GREATEST(attempts - 1, 0) WHERE key = $1`,
      [key],
    );
  }

  async reset(db: EntityManager, key: string): Promise<void> {
    await db.query(`DELETE FROM login_throttle WHERE key = $1`, [key]);
  }

  async deleteExpired(db: EntityManager, windowSeconds: number): Promise<void> {
    await db.query(
      `DELETE FROM login_throttle WHERE window_started_at <= now() - $1::int * interval '1 second'`,
      [windowSeconds],
    );
  }
}
