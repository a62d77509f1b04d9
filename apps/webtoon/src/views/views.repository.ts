import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface ViewBatch {
  episodeIds: string[];
  seriesIds: string[];
  counts: number[];
}

export interface RankingRow {
  webtoonId: string;
  title: string;
  thumbnailUrl: string | null;
  genres: string[];
  views: number;
}

@Injectable()
export class ViewsRepository {
  /** One statement for a whole batch: episode totals, series totals and the day's series views. */
  async add(db: EntityManager, day: string, batch: ViewBatch): Promise<void> {
    await db.query(
      `WITH v AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[]) AS v(episode_id, series_id, n)
       ), per_series AS (
         SELECT series_id, sum(n)::bigint AS n FROM v GROUP BY series_id
       ), episode_totals AS (
         UPDATE episodes e SET view_count = e.view_count + v.n FROM v WHERE e.id = v.episode_id
       ), series_totals AS (
         UPDATE series s SET view_count = s.view_count + p.n FROM per_series p WHERE s.id = p.series_id
       )
       INSERT INTO series_daily_views (day, series_id, views)
       SELECT $4::date, p.series_id, p.n FROM per_series p
       WHERE EXISTS (SELECT 1 FROM series s WHERE s.id = p.series_id)
       ON CONFLICT (day, series_id) DO UPDATE SET views = series_daily_views.views + EXCLUDED.views`,
      [batch.episodeIds, batch.seriesIds, batch.counts, day],
    );
  }

  async ranking(db: EntityManager, day: string, limit: number): Promise<RankingRow[]> {
    return db.query(
      `SELECT s.id AS "webtoonId", s.title, s.thumbnail_url AS "thumbnailUrl", s.genres,
              d.views::int AS views
       FROM series_daily_views d JOIN series s ON s.id = d.series_id
       WHERE d.day = $1::date ORDER BY d.views DESC, s.id LIMIT $2`,
      [day, limit],
    );
  }
}
