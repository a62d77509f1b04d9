import { Module } from '@nestjs/common';
import { CloseWalletWhenUserDeletedHandler } from '../events/close-wallet-when-user-deleted.handler';
import { OpenWalletWhenUserRegisteredHandler } from '../events/open-wallet-when-user-registered.handler';
import { LedgerRepository } from './ledger.repository';
import { WalletsController } from './wallets.controller';
import { WalletsService } from './wallets.service';

@Module({
  controllers: [WalletsController],
  providers: [
    LedgerRepository,
    WalletsService,
    OpenWalletWhenUserRegisteredHandler,
    CloseWalletWhenUserDeletedHandler,
  ],
  exports: [LedgerRepository],
})
export class WalletsModule {}
