import { Injectable } from '@nestjs/common';
import type { PurchaseDeclineReason } from '@lib/contracts';
import type { EntityManager } from 'typeorm';

/**
 * How payment settled a purchase: `succeeded` (debited), `declined`, `refunded` (debited, then
 * given back because the purchase expired), `cancelled` (the purchase expired before any
 * request for it was settled: it will never be debited).
 */
export type SettlementStatus = 'succeeded' | 'declined' | 'refunded' | 'cancelled';

export interface Settlement {
  purchaseId: string;
  userId: string;
  amount: number;
  status: SettlementStatus;
  reason: PurchaseDeclineReason | null;
  transactionId: string | null;
  balanceAfter: number | null;
}

const COLUMNS = `purchase_id AS "purchaseId", user_id AS "userId", amount::int AS amount, status,
  reason, transaction_id AS "transactionId", balance_after::int AS "balanceAfter"`;

/** One row per purchase id: the primary key is what makes a debit happen at most once. */
@Injectable()
export class SettlementsRepository {
  async find(tx: EntityManager, purchaseId: string): Promise<Settlement | undefined> {
    const rows: Settlement[] = await tx.query(
      `SELECT ${COLUMNS} FROM purchase_settlements WHERE purchase_id = $1`,
      [purchaseId],
    );
    return rows[0];
  }

  async insert(tx: EntityManager, settlement: Settlement): Promise<void> {
    await tx.query(
      `INSERT INTO purchase_settlements
         (purchase_id, user_id, amount, status, reason, transaction_id, balance_after)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        settlement.purchaseId,
        settlement.userId,
        settlement.amount,
        settlement.status,
        settlement.reason,
        settlement.transactionId,
        settlement.balanceAfter,
      ],
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
