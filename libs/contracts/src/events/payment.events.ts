export interface PurchaseSucceededV1 {
  purchaseId: string;
  userId: string;
  amountCoins: number;
  /** The ledger transaction that debited the wallet. */
  transactionId: string;
  balanceAfter: number;
}

export type PurchaseDeclineReason = 'INSUFFICIENT_FUNDS' | 'WALLET_NOT_FOUND' | 'WALLET_CLOSED';

export interface PurchaseDeclinedV1 {
  purchaseId: string;
  userId: string;
  amountCoins: number;
  reason: PurchaseDeclineReason;
}

export interface WalletOpenedV1 {
  walletId: string;
  userId: string;
  balance: number;
}

export interface WalletToppedUpV1 {
  walletId: string;
  userId: string;
  amountCoins: number;
  balanceAfter: number;
}

export interface WalletClosedV1 {
  walletId: string;
  userId: string;
}
