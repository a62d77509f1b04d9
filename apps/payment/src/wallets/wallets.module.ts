import { Module } from '@nestjs/common';
import { CloseWalletWhenUserDeletedHandler } from '../events/close-wallet-when-user-deleted.handler';
import { LedgerRepository } from './ledger.repository';
import { WalletsController } from './wallets.controller';
import { WalletsService } from './wallets.service';

@Module({
  controllers: [WalletsController],
  providers: [LedgerRepository, WalletsService, CloseWalletWhenUserDeletedHandler],
  exports: [LedgerRepository],
})
export class WalletsModule {}
