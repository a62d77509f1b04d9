import { Module } from '@nestjs/common';
import { DeletedAccounts } from '@lib/platform';
import { DeletedAccountsRepository } from '../accounts/deleted-accounts.repository';
import { CloseWalletWhenUserDeletedHandler } from '../events/close-wallet-when-user-deleted.handler';
import { LedgerRepository } from './ledger.repository';
import { WalletsController } from './wallets.controller';
import { WalletsService } from './wallets.service';

@Module({
  controllers: [WalletsController],
  providers: [
    LedgerRepository,
    WalletsService,
    CloseWalletWhenUserDeletedHandler,
    DeletedAccountsRepository,
    // What the platform's guard asks before a state-changing request (docs/security.md).
    { provide: DeletedAccounts, useExisting: DeletedAccountsRepository },
  ],
  exports: [LedgerRepository],
})
export class WalletsModule {}
