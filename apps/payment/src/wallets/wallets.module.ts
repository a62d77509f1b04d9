import { Module } from '@nestjs/common';
import { LedgerRepository } from './ledger.repository';
import { WalletsController } from './wallets.controller';
import { WalletsService } from './wallets.service';

@Module({
  controllers: [WalletsController],
  providers: [LedgerRepository, WalletsService],
  exports: [LedgerRepository],
})
export class WalletsModule {}
