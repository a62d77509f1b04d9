import { Module } from '@nestjs/common';
import { ReadCache } from '../common/read-cache';
import { SeriesController } from './series.controller';
import { SeriesRepository } from './series.repository';
import { SeriesService } from './series.service';

@Module({
  controllers: [SeriesController],
  providers: [ReadCache, SeriesRepository, SeriesService],
  exports: [ReadCache, SeriesRepository, SeriesService],
})
export class SeriesModule {}
