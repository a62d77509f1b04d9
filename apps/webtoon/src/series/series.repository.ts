import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SeriesStatus } from './series.dto';

export interface SeriesRow {
  id: string;
  authorId: string;
  title: string;
  genres: string[];
  synopsis: string;
  status: SeriesStatus;
  thumbnailUrl: string | null;
  viewCount: number;
  episodeCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewSeries {
  id: string;
  authorId: string;
  title: string;
  genres: string[];
  synopsis: string;
  status: SeriesStatus;
  thumbnailUrl: string | null;
}

const COLUMNS = `s.id, s.author_id AS "authorId", s.title, s.genres, s.synopsis, s.status,
  s.thumbnail_url AS "thumbnailUrl", s.view_count::int AS "viewCount",
  (SELECT count(*)::int FROM episodes e WHERE e.series_id = s.id) AS "episodeCount",
  s.created_at AS "createdAt", s.updated_at AS "updatedAt"`;

/** `%`, `_` and `\` in a search are literal characters, not LIKE wildcards. */
function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

@Injectable()
export class SeriesRepository {
  async find(db: EntityManager, id: string, lock = false): Promise<SeriesRow | undefined> {
    const rows: SeriesRow[] = await db.query(
      `SELECT ${COLUMNS} FROM series s WHERE s.id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0];
  }

  async list(
    db: EntityManager,
    filter: { genre?: string; q?: string },
    offset: number,
    limit: number,
  ): Promise<{ items: SeriesRow[]; total: number }> {
    const where = `($1::text IS NULL OR s.genres @> ARRAY[$1::text])
      AND ($2::text IS NULL OR s.title ILIKE $2)`;
    const params = [filter.genre ?? null, filter.q ? likePattern(filter.q) : null];
    const [items, counted]: [SeriesRow[], { total: number }[]] = await Promise.all([
      db.query(
        `SELECT ${COLUMNS} FROM series s WHERE ${where}
         ORDER BY s.created_at DESC, s.id DESC OFFSET $3 LIMIT $4`,
        [...params, offset, limit],
      ),
      db.query(`SELECT count(*)::int AS total FROM series s WHERE ${where}`, params),
    ]);
    return { items, total: counted[0]?.total ?? 0 };
  }

  async insert(db: EntityManager, series: NewSeries): Promise<boolean> {
    const rows: unknown[] = await db.query(
      `INSERT INTO series (id, author_id, title, genres, synopsis, status, thumbnail_url)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        series.id,
        series.authorId,
        series.title,
        series.genres,
        series.synopsis,
        series.status,
        series.thumbnailUrl,
      ],
    );
    return rows.length > 0;
  }

  async update(
    db: EntityManager,
    id: string,
    changes: Partial<Omit<NewSeries, 'id' | 'authorId'>>,
  ): Promise<void> {
    await db.query(
      `UPDATE series SET
         title = COALESCE($2, title), genres = COALESCE($3, genres),
         synopsis = COALESCE($4, synopsis), status = COALESCE($5, status),
         thumbnail_url = COALESCE($6, thumbnail_url), updated_at = now()
       WHERE id = $1`,
      [
        id,
        changes.title ?? null,
        changes.genres ?? null,
        changes.synopsis ?? null,
        changes.status ?? null,
        changes.thumbnailUrl ?? null,
      ],
    );
  }
}
