import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PurchaseStatus } from './purchases.dto';

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
  settledAt: Date | null;
}

const COLUMNS = `id, user_id AS "userId", episode_id AS "episodeId", series_id AS "seriesId",
  episode_no AS "episodeNo", price_coins AS "priceCoins", status, decline_reason AS "declineReason",
  idempotency_key AS "idempotencyKey", created_at AS "createdAt", settled_at AS "settledAt"`;

@Injectable()
export class PurchasesRepository {
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
  ): Promise<PurchaseRow | undefined> {
    const rows: PurchaseRow[] = await db.query(
      `INSERT INTO purchases (id, user_id, episode_id, series_id, episode_no, price_coins, idempotency_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (user_id, idempotency_key) DO NOTHING RETURNING ${COLUMNS}`,
      [
        purchase.id,
        purchase.userId,
        purchase.episodeId,
        purchase.seriesId,
        purchase.episodeNo,
        purchase.priceCoins,
        purchase.idempotencyKey,
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
    // TypeORM answers an UPDATE … RETURNING with [rows, affected count].
    const [rows]: [PurchaseRow[], number] = await db.query(
      `UPDATE purchases SET status = $2, decline_reason = $3, settled_at = now()
       WHERE id = $1 AND status = 'pending' RETURNING ${COLUMNS}`,
      [id, status, declineReason],
    );
    return rows[0];
  }
}
