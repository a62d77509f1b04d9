import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { coinsFromDb, optionalCoinsFromDb } from '../wallets/coins';

/**
 * `pending`: claimed, the provider asked (or about to be); `succeeded`: charged and credited
 * (transactionId set); `failed`: the provider refused the charge (failureReason), nothing credited.
 */
export type TopUpStatus = 'pending' | 'succeeded' | 'failed';

export interface TopUpRow {
  id: string;
  userId: string;
  idempotencyKey: string;
  requestHash: string;
  amount: number;
  cardLast4: string;
  status: TopUpStatus;
  failureReason: string | null;
  transactionId: string | null;
  balanceAfter: number | null;
  createdAt: Date;
}

export type NewTopUp = Pick<
  TopUpRow,
  'id' | 'userId' | 'idempotencyKey' | 'requestHash' | 'amount' | 'cardLast4'
>;

type StoredTopUp = Omit<TopUpRow, 'amount' | 'balanceAfter'> & {
  amount: string;
  balanceAfter: string | null;
};

const COLUMNS = `id, user_id AS "userId", idempotency_key AS "idempotencyKey",
  request_hash AS "requestHash", amount, card_last4 AS "cardLast4", status,
  failure_reason AS "failureReason", transaction_id AS "transactionId",
  balance_after AS "balanceAfter", created_at AS "createdAt"`;

function toTopUp(row: StoredTopUp | undefined): TopUpRow | undefined {
  return (
    row && {
      ...row,
      amount: coinsFromDb(row.amount),
      balanceAfter: optionalCoinsFromDb(row.balanceAfter),
    }
  );
}

/** The top_ups table: one row per (user, Idempotency-Key), the unique index's job. */
@Injectable()
export class TopUpsRepository {
  /**
   * Inserts the `pending` claim of (user, key), or nothing when the pair exists. A concurrent
   * insert of the same pair waits for the first transaction to end, then returns nothing.
   */
  async claim(db: EntityManager, topUp: NewTopUp): Promise<TopUpRow | undefined> {
    const rows: StoredTopUp[] = await db.query(
      `INSERT INTO top_ups (id, user_id, idempotency_key, request_hash, amount, card_last4, status)
       VALUES ($1, $2, $3, $4, $5, $6, 'pending')
       ON CONFLICT (user_id, idempotency_key) DO NOTHING RETURNING ${COLUMNS}`,
      [
        topUp.id,
        topUp.userId,
        topUp.idempotencyKey,
        topUp.requestHash,
        topUp.amount,
        topUp.cardLast4,
      ],
    );
    return toTopUp(rows[0]);
  }

  async findByKey(
    db: EntityManager,
    userId: string,
    idempotencyKey: string,
  ): Promise<TopUpRow | undefined> {
    const rows: StoredTopUp[] = await db.query(
      `SELECT ${COLUMNS} FROM top_ups WHERE user_id = $1 AND idempotency_key = $2`,
      [userId, idempotencyKey],
    );
    return toTopUp(rows[0]);
  }

  /** The top-up, locked until the transaction ends: one resolution of a pending top-up at a time. */
  async lock(tx: EntityManager, id: string): Promise<TopUpRow | undefined> {
    const rows: StoredTopUp[] = await tx.query(
      `SELECT ${COLUMNS} FROM top_ups WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return toTopUp(rows[0]);
  }

  async markSucceeded(
    tx: EntityManager,
    id: string,
    transactionId: string,
    balanceAfter: number,
  ): Promise<TopUpRow> {
    const [rows]: [StoredTopUp[], number] = await tx.query(
      `UPDATE top_ups SET status = 'succeeded', transaction_id = $2, balance_after = $3,
         resolved_at = now()
       WHERE id = $1 AND status = 'pending' RETURNING ${COLUMNS}`,
      [id, transactionId, balanceAfter],
    );
    return this.updated(id, rows);
  }

  async markFailed(tx: EntityManager, id: string, reason: string): Promise<TopUpRow> {
    const [rows]: [StoredTopUp[], number] = await tx.query(
      `UPDATE top_ups SET status = 'failed', failure_reason = $2, resolved_at = now()
       WHERE id = $1 AND status = 'pending' RETURNING ${COLUMNS}`,
      [id, reason],
    );
    return this.updated(id, rows);
  }

  private updated(id: string, rows: StoredTopUp[]): TopUpRow {
    const row = toTopUp(rows[0]);
    // Callers hold the row lock and saw it pending: anything else is a bug, not a race.
    if (!row) throw new Error(`top-up ${id} is not pending`);
    return row;
  }
}
