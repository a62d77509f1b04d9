import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PURCHASE_SETTLED_CHANNEL } from './purchase-settlements';
import type { PurchaseStatus } from './purchases.dto';

/** Why a purchase expired: payment did not answer before its deadline. */
export const EXPIRY_REASON = 'PAYMENT_TIMEOUT';

export interface PurchaseRow {
  id: string;
  userId: string;
  episodeId: string;
  seriesId: string;
  episodeNo: number;
  priceCoins: number;
  status: PurchaseStatus;
  declineReason: string | null;
  idempotencyKey: string;
  createdAt: Date;
  deadlineAt: Date;
  settledAt: Date | null;
}

const COLUMNS = `id, user_id AS "userId", episode_id AS "episodeId", series_id AS "seriesId",
  episode_no AS "episodeNo", price_coins AS "priceCoins", status, decline_reason AS "declineReason",
  idempotency_key AS "idempotencyKey", created_at AS "createdAt", deadline_at AS "deadlineAt",
  settled_at AS "settledAt"`;

/**
 * Runs `ctes`, which end in a `settled` UPDATE … RETURNING COLUMNS, and answers its rows, each
 * with a NOTIFY on PURCHASE_SETTLED_CHANNEL in the same round trip; PostgreSQL delivers them on
 * commit, waking the requests waiting for these purchases (PurchaseSettlements).
 */
async function settleAndNotify(
  db: EntityManager,
  ctes: string,
  params: unknown[],
): Promise<PurchaseRow[]> {
  const rows: (PurchaseRow & { notified: unknown })[] = await db.query(
    `WITH ${ctes}
     SELECT settled.*, pg_notify($${params.length + 1}, settled.id::text) AS notified
     FROM settled`,
    [...params, PURCHASE_SETTLED_CHANNEL],
  );
  return rows.map(({ notified: _notified, ...purchase }) => purchase);
}

/** What a purchase request needs to know before its transaction, read in one query. */
export interface PurchaseRequestContext {
  /** The purchase this user's idempotency key already made, if any. */
  earlierId: string | null;
  /** The episode to buy, with its series' author; null when there is no such episode. */
  episode: { id: string; priceCoins: number; authorId: string } | null;
  /** Whether the user already owns the episode. */
  owned: boolean;
}

@Injectable()
export class PurchasesRepository {
  /**
   * The idempotency key's earlier purchase, the episode and its author, and the user's
   * entitlement, in one round trip: on the saga's path every query costs more in system
   * calls than in work (docs/performance.md).
   */
  async requestContext(
    db: EntityManager,
    userId: string,
    idempotencyKey: string,
    seriesId: string,
    no: number,
  ): Promise<PurchaseRequestContext> {
    const [row]: {
      earlierId: string | null;
      episodeId: string | null;
      priceCoins: number | null;
      authorId: string | null;
      owned: boolean;
    }[] = await db.query(
      `SELECT
         (SELECT id FROM purchases WHERE user_id = $1 AND idempotency_key = $2) AS "earlierId",
         e.id AS "episodeId", e.price_coins AS "priceCoins", s.author_id AS "authorId",
         EXISTS (SELECT 1 FROM entitlements en WHERE en.user_id = $1 AND en.episode_id = e.id)
           AS owned
       FROM (VALUES (1)) AS one (x)
       LEFT JOIN series s ON s.id = $3
       LEFT JOIN episodes e ON e.series_id = s.id AND e.no = $4`,
      [userId, idempotencyKey, seriesId, no],
    );
    return {
      earlierId: row.earlierId,
      episode:
        row.episodeId !== null && row.priceCoins !== null && row.authorId !== null
          ? { id: row.episodeId, priceCoins: row.priceCoins, authorId: row.authorId }
          : null,
      owned: row.owned,
    };
  }

  async find(db: EntityManager, id: string): Promise<PurchaseRow | undefined> {
    const rows: PurchaseRow[] = await db.query(`SELECT ${COLUMNS} FROM purchases WHERE id = $1`, [
      id,
    ]);
    return rows[0];
  }

  async findByKey(
    db: EntityManager,
    userId: string,
    idempotencyKey: string,
  ): Promise<PurchaseRow | undefined> {
    const rows: PurchaseRow[] = await db.query(
      `SELECT ${COLUMNS} FROM purchases WHERE user_id = $1 AND idempotency_key = $2`,
      [userId, idempotencyKey],
    );
    return rows[0];
  }

  /**
   * Inserts a pending purchase. Returns nothing when the (user, key) pair exists (a retry,
   * possibly concurrent: the insert waits for the first to commit); a second live purchase of
   * the same episode under another key fails on purchases_one_live_per_episode.
   */
  async insertPending(
    db: EntityManager,
    purchase: Pick<
      PurchaseRow,
      'id' | 'userId' | 'episodeId' | 'seriesId' | 'episodeNo' | 'priceCoins' | 'idempotencyKey'
    >,
    deadlineSeconds: number,
  ): Promise<PurchaseRow | undefined> {
    // The deadline is on the database's clock, the one the sweeper compares it with.
    const rows: PurchaseRow[] = await db.query(
      `INSERT INTO purchases (id, user_id, episode_id, series_id, episode_no, price_coins, idempotency_key,
         deadline_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8))
       ON CONFLICT (user_id, idempotency_key) DO NOTHING RETURNING ${COLUMNS}`,
      [
        purchase.id,
        purchase.userId,
        purchase.episodeId,
        purchase.seriesId,
        purchase.episodeNo,
        purchase.priceCoins,
        purchase.idempotencyKey,
        deadlineSeconds,
      ],
    );
    return rows[0];
  }

  /** Settles a pending purchase; a purchase already settled is left as it is. */
  async settle(
    db: EntityManager,
    id: string,
    status: 'completed' | 'declined',
    declineReason: string | null,
  ): Promise<PurchaseRow | undefined> {
    const [purchase] = await settleAndNotify(
      db,
      `settled AS (
         UPDATE purchases SET status = $2, decline_reason = $3, settled_at = now()
         WHERE id = $1 AND status = 'pending' RETURNING ${COLUMNS})`,
      [id, status, declineReason],
    );
    return purchase;
  }

  /**
   * Expires up to `limit` pending purchases past their deadline and returns them. Rows another
   * instance (or a payment outcome) holds are skipped: whoever locks a pending row first
   * decides how it ends, and the other finds it no longer pending.
   */
  expireDue(db: EntityManager, limit: number): Promise<PurchaseRow[]> {
    return settleAndNotify(
      db,
      `due AS (
         SELECT id AS due_id FROM purchases WHERE status = 'pending' AND deadline_at <= now()
         ORDER BY deadline_at LIMIT $1 FOR UPDATE SKIP LOCKED),
       settled AS (
         UPDATE purchases SET status = 'expired', decline_reason = $2, settled_at = now()
         FROM due WHERE id = due_id AND status = 'pending' RETURNING ${COLUMNS})`,
      [limit, EXPIRY_REASON],
    );
  }

  async countPending(db: EntityManager): Promise<number> {
    const [row]: { n: number }[] = await db.query(
      `SELECT count(*)::int AS n FROM purchases WHERE status = 'pending'`,
    );
    return row?.n ?? 0;
  }
}
