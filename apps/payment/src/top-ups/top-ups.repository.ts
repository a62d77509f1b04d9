import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface TopUpRow {
  id: string;
  userId: string;
  idempotencyKey: string;
  requestHash: string;
  amount: number;
  cardLast4: string;
  status: 'succeeded' | 'declined';
  transactionId: string | null;
  balanceAfter: number | null;
  createdAt: Date;
}

const COLUMNS = `id, user_id AS "userId", idempotency_key AS "idempotencyKey",
  request_hash AS "requestHash", amount::int AS amount, card_last4 AS "cardLast4", status,
  transaction_id AS "transactionId", balance_after::int AS "balanceAfter", created_at AS "createdAt"`;

@Injectable()
export class TopUpsRepository {
  /**
   * Claims the (user, key) pair. A concurrent insert of the same pair waits for the first
   * transaction to end, then returns nothing, so exactly one request performs the top-up.
   */
  async claim(
    tx: EntityManager,
    row: Omit<TopUpRow, 'transactionId' | 'balanceAfter' | 'createdAt'>,
  ): Promise<TopUpRow | undefined> {
    const rows: TopUpRow[] = await tx.query(
      `INSERT INTO top_ups (id, user_id, idempotency_key, request_hash, amount, card_last4, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (user_id, idempotency_key) DO NOTHING RETURNING ${COLUMNS}`,
      [
        row.id,
        row.userId,
        row.idempotencyKey,
        row.requestHash,
        row.amount,
        row.cardLast4,
        row.status,
      ],
    );
    return rows[0];
  }

  async findByKey(
    tx: EntityManager,
    userId: string,
    idempotencyKey: string,
  ): Promise<TopUpRow | undefined> {
    const rows: TopUpRow[] = await tx.query(
      `SELECT ${COLUMNS} FROM top_ups WHERE user_id = $1 AND idempotency_key = $2`,
      [userId, idempotencyKey],
    );
    return rows[0];
  }

  async recordBooking(
    tx: EntityManager,
    id: string,
    transactionId: string,
    balanceAfter: number,
  ): Promise<void> {
    await tx.query(`UPDATE top_ups SET transaction_id = $2, balance_after = $3 WHERE id = $1`, [
      id,
      transactionId,
      balanceAfter,
    ]);
  }
}
