import { Module } from '@nestjs/common';
import { SeriesModule } from '../series/series.module';
import { RankingController } from './ranking.controller';
import { RankingService } from './ranking.service';
import { ViewCounter } from './view-counter';
import { ViewsRepository } from './views.repository';

@Module({
  imports: [SeriesModule],
  controllers: [RankingController],
  providers: [ViewsRepository, ViewCounter, RankingService],
  exports: [ViewCounter],
})
export class ViewsModule {}
