import { Module } from '@nestjs/common';
import { WalletsModule } from '../wallets/wallets.module';
import { CardProvider } from './card-provider';
import { TopUpsController } from './top-ups.controller';
import { TopUpsRepository } from './top-ups.repository';
import { TopUpsService } from './top-ups.service';

@Module({
  imports: [WalletsModule],
  controllers: [TopUpsController],
  providers: [CardProvider, TopUpsRepository, TopUpsService],
})
export class TopUpsModule {}
