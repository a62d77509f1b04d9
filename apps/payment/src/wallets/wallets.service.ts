import { Injectable } from '@nestjs/common';
import { DomainError, PageQuery } from '@lib/platform';
import { DataSource } from 'typeorm';
import { LedgerRepository, type WalletRow } from './ledger.repository';
import type { TransactionPageResponse, WalletResponse } from './wallets.dto';

export function walletNotFound(): DomainError {
  return new DomainError(
    'PAYMENT.WALLET_NOT_FOUND',
    'No wallet yet: it is opened when the account is registered',
    404,
  );
}

export function toWalletResponse(wallet: WalletRow): WalletResponse {
  return {
    walletId: wallet.id,
    userId: wallet.userId,
    balance: wallet.balance,
    status: wallet.status,
    updatedAt: wallet.updatedAt.toISOString(),
  };
}

@Injectable()
export class WalletsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: LedgerRepository,
  ) {}

  async wallet(userId: string): Promise<WalletResponse> {
    const wallet = await this.ledger.findWallet(this.dataSource.manager, userId);
    if (!wallet) throw walletNotFound();
    return toWalletResponse(wallet);
  }

  async transactions(userId: string, paging: PageQuery): Promise<TransactionPageResponse> {
    const wallet = await this.ledger.findWallet(this.dataSource.manager, userId);
    if (!wallet) throw walletNotFound();
    const { items, total } = await this.ledger.lines(
      this.dataSource.manager,
      wallet.id,
      (paging.page - 1) * paging.limit,
      paging.limit,
    );
    return {
      items: items.map((line) => ({ ...line, createdAt: line.createdAt.toISOString() })),
      page: paging.page,
      limit: paging.limit,
      total,
    };
  }
}
