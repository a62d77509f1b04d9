import { Injectable } from '@nestjs/common';
import { DomainError } from '@lib/platform';
import { DataSource } from 'typeorm';
import { ReadCache, type CachedBody } from '../common/read-cache';
import { cacheKeys } from '../series/series.service';
import type { RankingResponse } from './ranking.dto';
import { utcDay } from './view-counter';
import { ViewsRepository } from './views.repository';

@Injectable()
export class RankingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly views: ViewsRepository,
    private readonly cache: ReadCache,
  ) {}

  /** The day's most viewed series (UTC days; views arrive within a flush interval). */
  async cachedRanking(day: string | undefined, limit: number): Promise<CachedBody> {
    const date = day ?? utcDay();
    // The pattern admits 2026-02-30; only a real calendar day round-trips through Date.
    const parsed = new Date(`${date}T00:00:00Z`);
    if (Number.isNaN(parsed.getTime()) || utcDay(parsed) !== date) {
      throw new DomainError('VALIDATION.INVALID_DATE', 'date is not a calendar day', 400);
    }
    const cached = await this.cache.getOrLoad(
      cacheKeys.ranking(date, limit),
      async (): Promise<RankingResponse> => {
        const rows = await this.views.ranking(this.dataSource.manager, date, limit);
        return { date, items: rows.map((row, i) => ({ rank: i + 1, ...row })) };
      },
    );
    return cached as CachedBody;
  }
}
