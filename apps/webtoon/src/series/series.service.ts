import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, type AuthUser } from '@lib/platform';
import { DataSource } from 'typeorm';
import { ReadCache, type CachedBody } from '../common/read-cache';
import type {
  CreateSeriesRequest,
  SeriesResponse,
  ListSeriesQuery,
  SeriesPageResponse,
  UpdateSeriesRequest,
} from './series.dto';
import { SeriesRepository, type SeriesRow } from './series.repository';

export function seriesNotFound(): DomainError {
  return new DomainError('WEBTOON.SERIES_NOT_FOUND', 'No such series', 404);
}

/** Authors manage only their own series (admins may manage any). */
export function assertManages(user: AuthUser, series: Pick<SeriesRow, 'authorId'>): void {
  if (series.authorId !== user.id && !user.roles.includes('admin')) {
    throw new DomainError('WEBTOON.NOT_SERIES_AUTHOR', 'Only the series author can do this', 403);
  }
}

export function toSeriesResponse(row: SeriesRow): SeriesResponse {
  return {
    ...row,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Cache keys, in one place so writers invalidate exactly what readers cached. */
export const cacheKeys = {
  series: (id: string) => `series:${id}`,
  lists: 'list:',
  list: (query: ListSeriesQuery) =>
    `list:${query.page}:${query.limit}:${query.genre ?? ''}:${query.q ?? ''}`,
  episodeLists: (seriesId: string) => `episodes:${seriesId}:`,
  episodeList: (seriesId: string, page: number, limit: number) =>
    `episodes:${seriesId}:${page}:${limit}`,
  episode: (seriesId: string, no: number) => `episode:${seriesId}:${no}`,
  ranking: (day: string, limit: number) => `ranking:${day}:${limit}`,
};

@Injectable()
export class SeriesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly series: SeriesRepository,
    private readonly cache: ReadCache,
  ) {}

  async create(author: AuthUser, body: CreateSeriesRequest): Promise<SeriesResponse> {
    const id = randomUUID();
    await this.series.insert(this.dataSource.manager, {
      id,
      authorId: author.id,
      title: body.title,
      genres: [...new Set(body.genres)],
      synopsis: body.synopsis ?? '',
      status: body.status ?? 'ongoing',
      thumbnailUrl: body.thumbnailUrl ?? null,
    });
    this.cache.invalidatePrefix(cacheKeys.lists);
    return toSeriesResponse((await this.series.find(this.dataSource.manager, id)) as SeriesRow);
  }

  async update(user: AuthUser, id: string, body: UpdateSeriesRequest): Promise<SeriesResponse> {
    const updated = await this.dataSource.transaction(async (tx) => {
      const series = await this.series.find(tx, id, true);
      if (!series) throw seriesNotFound();
      assertManages(user, series);
      await this.series.update(tx, id, {
        ...body,
        genres: body.genres ? [...new Set(body.genres)] : undefined,
      });
      return (await this.series.find(tx, id)) as SeriesRow;
    });
    this.cache.invalidate(cacheKeys.series(id));
    this.cache.invalidatePrefix(cacheKeys.lists);
    return toSeriesResponse(updated);
  }

  async cachedSeries(id: string): Promise<CachedBody> {
    const cached = await this.cache.getOrLoad(cacheKeys.series(id), async () => {
      const row = await this.series.find(this.dataSource.manager, id);
      return row && toSeriesResponse(row);
    });
    if (!cached) throw seriesNotFound();
    return cached;
  }

  async cachedList(query: ListSeriesQuery): Promise<CachedBody> {
    const cached = await this.cache.getOrLoad(
      cacheKeys.list(query),
      async (): Promise<SeriesPageResponse> => {
        const { items, total } = await this.series.list(
          this.dataSource.manager,
          { genre: query.genre, q: query.q },
          (query.page - 1) * query.limit,
          query.limit,
        );
        return { items: items.map(toSeriesResponse), page: query.page, limit: query.limit, total };
      },
    );
    return cached as CachedBody;
  }
}
