import { z } from 'zod';
import { coins, id, positiveCoins } from './schema-parts';

export interface PurchaseSucceededV1 {
  purchaseId: string;
  userId: string;
  amountCoins: number;
  /** The ledger transaction that debited the wallet. */
  transactionId: string;
  balanceAfter: number;
}

export const purchaseSucceededV1Schema = z.object({
  purchaseId: id,
  userId: id,
  amountCoins: positiveCoins,
  transactionId: id,
  balanceAfter: coins,
}) satisfies z.ZodType<PurchaseSucceededV1>;

export const PURCHASE_DECLINE_REASONS = [
  'INSUFFICIENT_FUNDS',
  'WALLET_NOT_FOUND',
  'WALLET_CLOSED',
] as const;
export type PurchaseDeclineReason = (typeof PURCHASE_DECLINE_REASONS)[number];

export interface PurchaseDeclinedV1 {
  purchaseId: string;
  userId: string;
  amountCoins: number;
  reason: PurchaseDeclineReason;
}

export const purchaseDeclinedV1Schema = z.object({
  purchaseId: id,
  userId: id,
  amountCoins: positiveCoins,
  reason: z.enum(PURCHASE_DECLINE_REASONS),
}) satisfies z.ZodType<PurchaseDeclinedV1>;

/**
 * A debit given back: the purchase it paid for expired before payment's success reached it
 * (webtoon.purchase.expired.v1), so the buyer gets the coins back through the ledger.
 */
export interface PurchaseRefundedV1 {
  purchaseId: string;
  userId: string;
  amountCoins: number;
  /** The ledger transaction of the original debit. */
  debitTransactionId: string;
  /** The ledger transaction that credited the wallet back. */
  transactionId: string;
  balanceAfter: number;
  reason: 'PURCHASE_EXPIRED';
}

export const purchaseRefundedV1Schema = z.object({
  purchaseId: id,
  userId: id,
  amountCoins: positiveCoins,
  debitTransactionId: id,
  transactionId: id,
  balanceAfter: coins,
  reason: z.literal('PURCHASE_EXPIRED'),
}) satisfies z.ZodType<PurchaseRefundedV1>;

export interface WalletOpenedV1 {
  walletId: string;
  userId: string;
  balance: number;
}

export const walletOpenedV1Schema = z.object({
  walletId: id,
  userId: id,
  balance: coins,
}) satisfies z.ZodType<WalletOpenedV1>;

export interface WalletToppedUpV1 {
  walletId: string;
  userId: string;
  amountCoins: number;
  balanceAfter: number;
}

export const walletToppedUpV1Schema = z.object({
  walletId: id,
  userId: id,
  amountCoins: positiveCoins,
  balanceAfter: coins,
}) satisfies z.ZodType<WalletToppedUpV1>;

export interface WalletClosedV1 {
  walletId: string;
  userId: string;
}

export const walletClosedV1Schema = z.object({
  walletId: id,
  userId: id,
}) satisfies z.ZodType<WalletClosedV1>;
