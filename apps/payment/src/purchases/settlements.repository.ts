import { Injectable } from '@nestjs/common';
import type { PurchaseDeclineReason } from '@lib/contracts';
import type { EntityManager } from 'typeorm';
import { coinsFromDb, optionalCoinsFromDb } from '../wallets/coins';

/**
 * How payment settled a purchase: `succeeded` (debited), `declined`, `refunded` (debited, then
 * given back because the purchase expired), `cancelled` (the purchase expired before any
 * request for it was settled: it will never be debited), `waiting` (its buyer has no wallet
 * yet; settled when the signup arrives, declined at `waitUntil`).
 */
export type SettlementStatus = 'succeeded' | 'declined' | 'refunded' | 'cancelled' | 'waiting';

export interface Settlement {
  purchaseId: string;
  userId: string;
  amount: number;
  status: SettlementStatus;
  reason: PurchaseDeclineReason | null;
  transactionId: string | null;
  balanceAfter: number | null;
  waitUntil?: Date | null;
}

const COLUMNS = `purchase_id AS "purchaseId", user_id AS "userId", amount, status,
  reason, transaction_id AS "transactionId", balance_after AS "balanceAfter",
  wait_until AS "waitUntil"`;

type StoredSettlement = Omit<Settlement, 'amount' | 'balanceAfter'> & {
  amount: string;
  balanceAfter: string | null;
};

function toSettlement(row: StoredSettlement): Settlement {
  return {
    ...row,
    amount: coinsFromDb(row.amount),
    balanceAfter: optionalCoinsFromDb(row.balanceAfter),
  };
}

/** One row per purchase id: the primary key is what makes a debit happen at most once. */
@Injectable()
export class SettlementsRepository {
  async find(tx: EntityManager, purchaseId: string): Promise<Settlement | undefined> {
    const rows: StoredSettlement[] = await tx.query(
      `SELECT ${COLUMNS} FROM purchase_settlements WHERE purchase_id = $1`,
      [purchaseId],
    );
    return rows[0] && toSettlement(rows[0]);
  }

  async insert(tx: EntityManager, settlement: Settlement): Promise<void> {
    await tx.query(
      `INSERT INTO purchase_settlements
         (purchase_id, user_id, amount, status, reason, transaction_id, balance_after, wait_until)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        settlement.purchaseId,
        settlement.userId,
        settlement.amount,
        settlement.status,
        settlement.reason,
        settlement.transactionId,
        settlement.balanceAfter,
        settlement.waitUntil ?? null,
      ],
    );
  }

  /** Settles a waiting settlement: its outcome replaces the wait. */
  async settleWaiting(tx: EntityManager, settlement: Settlement): Promise<void> {
    await tx.query(
      `UPDATE purchase_settlements
         SET status = $2, reason = $3, transaction_id = $4, balance_after = $5, wait_until = NULL
       WHERE purchase_id = $1 AND status = 'waiting'`,
      [
        settlement.purchaseId,
        settlement.status,
        settlement.reason,
        settlement.transactionId,
        settlement.balanceAfter,
      ],
    );
  }

  /** A user's waiting settlements, oldest first, locked until the transaction ends. */
  async waitingOf(tx: EntityManager, userId: string): Promise<Settlement[]> {
    const rows: StoredSettlement[] = await tx.query(
      `SELECT ${COLUMNS} FROM purchase_settlements WHERE user_id = $1 AND status = 'waiting'
       ORDER BY created_at FOR UPDATE`,
      [userId],
    );
    return rows.map(toSettlement);
  }

  /** Waiting settlements past their bound, locked; rows another transaction holds are skipped. */
  async overdue(tx: EntityManager, limit: number): Promise<Settlement[]> {
    const rows: StoredSettlement[] = await tx.query(
      `SELECT ${COLUMNS} FROM purchase_settlements WHERE status = 'waiting' AND wait_until <= now()
       ORDER BY wait_until LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map(toSettlement);
  }

  async cancelWaiting(tx: EntityManager, purchaseId: string): Promise<void> {
    await tx.query(
      `UPDATE purchase_settlements SET status = 'cancelled', wait_until = NULL
       WHERE purchase_id = $1 AND status = 'waiting'`,
      [purchaseId],
    );
  }

  /** Records the refund of a succeeded settlement. */
  async markRefunded(
    tx: EntityManager,
    purchaseId: string,
    refundTransactionId: string,
  ): Promise<void> {
    await tx.query(
      `UPDATE purchase_settlements
         SET status = 'refunded', refund_transaction_id = $2, refunded_at = now()
       WHERE purchase_id = $1 AND status = 'succeeded'`,
      [purchaseId, refundTransactionId],
    );
  }
}
