import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { coinsFromDb } from './coins';

export type LedgerKind = 'signup_bonus' | 'top_up' | 'purchase' | 'purchase_refund';
export type SystemAccount = 'system:signup_bonus' | 'system:card_provider' | 'system:episode_sales';

export interface Posting {
  kind: LedgerKind;
  /** What the transaction books (user id, top-up id, purchase id): unique per kind. */
  reference: string;
  walletId: string;
  /** Positive credits the wallet, negative debits it; the system account takes the opposite. */
  amount: number;
  counterAccount: SystemAccount;
}

export interface Posted {
  transactionId: string;
  balanceAfter: number;
}

export interface WalletRow {
  id: string;
  userId: string;
  balance: number;
  status: 'open' | 'closed';
  updatedAt: Date;
}

export interface LedgerLine {
  transactionId: string;
  kind: LedgerKind;
  reference: string;
  amount: number;
  balanceAfter: number;
  createdAt: Date;
}

type Stored<T, K extends keyof T> = Omit<T, K> & Record<K, string>;

const WALLET_COLUMNS = `id, user_id AS "userId", balance, status, updated_at AS "updatedAt"`;

function toWallet(row: Stored<WalletRow, 'balance'> | undefined): WalletRow | undefined {
  return row && { ...row, balance: coinsFromDb(row.balance) };
}

/** Wallets and their double-entry ledger. The balance column is maintained by the database from the entries. */
@Injectable()
export class LedgerRepository {
  async openWallet(tx: EntityManager, userId: string): Promise<WalletRow | undefined> {
    const rows: Stored<WalletRow, 'balance'>[] = await tx.query(
      `INSERT INTO wallets (id, user_id) VALUES ($1, $2)
       ON CONFLICT (user_id) DO NOTHING RETURNING ${WALLET_COLUMNS}`,
      [randomUUID(), userId],
    );
    return toWallet(rows[0]);
  }

  async closeWallet(tx: EntityManager, userId: string): Promise<WalletRow | undefined> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected count].
    const [rows]: [Stored<WalletRow, 'balance'>[], number] = await tx.query(
      `UPDATE wallets SET status = 'closed', closed_at = now(), updated_at = now()
       WHERE user_id = $1 AND status = 'open' RETURNING ${WALLET_COLUMNS}`,
      [userId],
    );
    return toWallet(rows[0]);
  }

  async findWallet(tx: EntityManager, userId: string): Promise<WalletRow | undefined> {
    const rows: Stored<WalletRow, 'balance'>[] = await tx.query(
      `SELECT ${WALLET_COLUMNS} FROM wallets WHERE user_id = $1`,
      [userId],
    );
    return toWallet(rows[0]);
  }

  /** Locks the wallet row until the transaction ends: debits of one wallet run one at a time. */
  async lockWallet(tx: EntityManager, userId: string): Promise<WalletRow | undefined> {
    const rows: Stored<WalletRow, 'balance'>[] = await tx.query(
      `SELECT ${WALLET_COLUMNS} FROM wallets WHERE user_id = $1 FOR UPDATE`,
      [userId],
    );
    return toWallet(rows[0]);
  }

  /** Books one balanced transaction: the wallet's entry and the system account's opposite one. */
  async post(tx: EntityManager, posting: Posting): Promise<Posted> {
    const transactionId = randomUUID();
    await tx.query(`INSERT INTO ledger_transactions (id, kind, reference) VALUES ($1, $2, $3)`, [
      transactionId,
      posting.kind,
      posting.reference,
    ]);
    const rows: { balance_after: string }[] = await tx.query(
      `INSERT INTO ledger_entries (transaction_id, account, wallet_id, amount)
       VALUES ($1, 'wallet', $2, $3), ($1, $4, NULL, $5)
       RETURNING balance_after`,
      [transactionId, posting.walletId, posting.amount, posting.counterAccount, -posting.amount],
    );
    const walletEntry = rows.find((row) => row.balance_after !== null);
    if (!walletEntry) throw new Error(`ledger transaction ${transactionId} has no wallet entry`);
    return { transactionId, balanceAfter: coinsFromDb(walletEntry.balance_after) };
  }

  async lines(
    tx: EntityManager,
    walletId: string,
    offset: number,
    limit: number,
  ): Promise<{ items: LedgerLine[]; total: number }> {
    const [items, counted]: [Stored<LedgerLine, 'amount' | 'balanceAfter'>[], { total: string }[]] =
      await Promise.all([
        tx.query(
          `SELECT e.transaction_id AS "transactionId", t.kind, t.reference,
                  e.amount, e.balance_after AS "balanceAfter", e.created_at AS "createdAt"
           FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
           WHERE e.wallet_id = $1 ORDER BY e.id DESC OFFSET $2 LIMIT $3`,
          [walletId, offset, limit],
        ),
        tx.query(`SELECT count(*) AS total FROM ledger_entries WHERE wallet_id = $1`, [walletId]),
      ]);
    return {
      items: items.map((line) => ({
        ...line,
        amount: coinsFromDb(line.amount),
        balanceAfter: coinsFromDb(line.balanceAfter),
      })),
      total: coinsFromDb(counted[0]?.total ?? '0'),
    };
  }
}
