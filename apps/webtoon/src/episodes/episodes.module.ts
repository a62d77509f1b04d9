import { Module } from '@nestjs/common';
import { EntitlementsRepository } from '../purchases/entitlements.repository';
import { SeriesModule } from '../series/series.module';
import { ViewsModule } from '../views/views.module';
import { EpisodesController } from './episodes.controller';
import { EpisodesRepository } from './episodes.repository';
import { EpisodesService } from './episodes.service';

@Module({
  imports: [SeriesModule, ViewsModule],
  controllers: [EpisodesController],
  providers: [EpisodesRepository, EntitlementsRepository, EpisodesService],
  exports: [EpisodesRepository, EntitlementsRepository, EpisodesService],
})
export class EpisodesModule {}
