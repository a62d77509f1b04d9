import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface EpisodeRow {
  id: string;
  seriesId: string;
  no: number;
  title: string;
  imageUrls: string[];
  priceCoins: number;
  publishedAt: Date;
}

export interface EpisodeSummaryRow {
  id: string;
  no: number;
  title: string;
  priceCoins: number;
  publishedAt: Date;
}

const COLUMNS = `id, series_id AS "seriesId", no, title, image_urls AS "imageUrls",
  price_coins AS "priceCoins", published_at AS "publishedAt"`;

@Injectable()
export class EpisodesRepository {
  async find(db: EntityManager, seriesId: string, no: number): Promise<EpisodeRow | undefined> {
    const rows: EpisodeRow[] = await db.query(
      `SELECT ${COLUMNS} FROM episodes WHERE series_id = $1 AND no = $2`,
      [seriesId, no],
    );
    return rows[0];
  }

  async list(
    db: EntityManager,
    seriesId: string,
    offset: number,
    limit: number,
  ): Promise<{ items: EpisodeSummaryRow[]; total: number }> {
    const [items, counted]: [EpisodeSummaryRow[], { total: number }[]] = await Promise.all([
      db.query(
        `SELECT id, no, title, price_coins AS "priceCoins", published_at AS "publishedAt"
         FROM episodes WHERE series_id = $1 ORDER BY no OFFSET $2 LIMIT $3`,
        [seriesId, offset, limit],
      ),
      db.query(`SELECT count(*)::int AS total FROM episodes WHERE series_id = $1`, [seriesId]),
    ]);
    return { items, total: counted[0]?.total ?? 0 };
  }

  async nextNo(db: EntityManager, seriesId: string): Promise<number> {
    const [row]: { next: number }[] = await db.query(
      `SELECT COALESCE(max(no), 0) + 1 AS next FROM episodes WHERE series_id = $1`,
      [seriesId],
    );
    return row?.next ?? 1;
  }

  /** Inserts unless that (series, no) exists; returns whether it did. */
  async insert(
    db: EntityManager,
    episode: Omit<EpisodeRow, 'publishedAt'>,
  ): Promise<EpisodeRow | undefined> {
    const rows: EpisodeRow[] = await db.query(
      `INSERT INTO episodes (id, series_id, no, title, image_urls, price_coins)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
      [
        episode.id,
        episode.seriesId,
        episode.no,
        episode.title,
        episode.imageUrls,
        episode.priceCoins,
      ],
    );
    return rows[0];
  }
}
