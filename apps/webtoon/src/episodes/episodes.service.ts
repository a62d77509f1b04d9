import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, type AuthUser } from '@lib/platform';
import { OutboxPublisher } from '@lib/platform/postgres';
import { DataSource, QueryFailedError } from 'typeorm';
import { cachedBody, ReadCache, type CachedBody } from '../common/read-cache';
import { EntitlementsRepository } from '../purchases/entitlements.repository';
import { SeriesRepository } from '../series/series.repository';
import { assertManages, cacheKeys, seriesNotFound } from '../series/series.service';
import { ViewCounter } from '../views/view-counter';
import type { CreateEpisodeRequest, EpisodeResponse, EpisodePageResponse } from './episodes.dto';
import { EpisodesRepository, type EpisodeRow } from './episodes.repository';

/** What the read path needs about an episode besides its body: who may read it for free. */
export interface EpisodeForReading {
  id: string;
  seriesId: string;
  authorId: string;
  priceCoins: number;
  cached: CachedBody;
}

export function episodeNotFound(): DomainError {
  return new DomainError('WEBTOON.EPISODE_NOT_FOUND', 'No such episode', 404);
}

function toEpisodeResponse(row: EpisodeRow): EpisodeResponse {
  return {
    id: row.id,
    webtoonId: row.seriesId,
    no: row.no,
    title: row.title,
    priceCoins: row.priceCoins,
    publishedAt: row.publishedAt.toISOString(),
    imageUrls: row.imageUrls,
  };
}

const ENTITLEMENT_CACHE_MAX = 100_000;

@Injectable()
export class EpisodesService {
  /** Entitlements are never revoked, so a positive answer can be remembered; a negative cannot. */
  private readonly owned = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly episodes: EpisodesRepository,
    private readonly series: SeriesRepository,
    private readonly entitlements: EntitlementsRepository,
    private readonly outbox: OutboxPublisher,
    private readonly cache: ReadCache,
    private readonly views: ViewCounter,
  ) {}

  async publish(
    user: AuthUser,
    seriesId: string,
    body: CreateEpisodeRequest,
  ): Promise<EpisodeResponse> {
    const row = await this.dataSource
      .transaction(async (tx) => {
        // Locking the series serialises "next number" among concurrent publishes of one series.
        const series = await this.series.find(tx, seriesId, true);
        if (!series) throw seriesNotFound();
        assertManages(user, series);
        const episode = await this.episodes.insert(tx, {
          id: randomUUID(),
          seriesId,
          no: body.no ?? (await this.episodes.nextNo(tx, seriesId)),
          title: body.title,
          imageUrls: body.imageUrls,
          priceCoins: body.priceCoins ?? 0,
        });
        if (!episode) {
          throw new DomainError('WEBTOON.EPISODE_EXISTS', 'That episode number is taken', 409);
        }
        await this.outbox.publish(tx, 'webtoon.episode.published.v1', {
          webtoonId: seriesId,
          webtoonTitle: series.title,
          episodeId: episode.id,
          episodeNo: episode.no,
          title: episode.title,
          authorId: series.authorId,
          priceCoins: episode.priceCoins,
          publishedAt: episode.publishedAt.toISOString(),
        });
        return episode;
      })
      .catch((error: unknown) => {
        if (error instanceof QueryFailedError && (error as { code?: string }).code === '23505') {
          throw new DomainError('WEBTOON.EPISODE_EXISTS', 'That episode number is taken', 409);
        }
        throw error;
      });
    this.cache.invalidate(cacheKeys.series(seriesId));
    this.cache.invalidatePrefix(cacheKeys.episodeLists(seriesId));
    this.cache.invalidatePrefix(cacheKeys.lists);
    this.cache.invalidate(cacheKeys.episode(seriesId, row.no));
    return toEpisodeResponse(row);
  }

  async cachedList(seriesId: string, page: number, limit: number): Promise<CachedBody> {
    const cached = await this.cache.getOrLoad(
      cacheKeys.episodeList(seriesId, page, limit),
      async (): Promise<EpisodePageResponse | undefined> => {
        const db = this.dataSource.manager;
        if (!(await this.series.find(db, seriesId))) return undefined;
        const { items, total } = await this.episodes.list(db, seriesId, (page - 1) * limit, limit);
        return {
          items: items.map((item) => ({ ...item, publishedAt: item.publishedAt.toISOString() })),
          page,
          limit,
          total,
        };
      },
    );
    if (!cached) throw seriesNotFound();
    return cached;
  }

  /**
   * An episode for a reader: free → anyone; paid → its author or an owner, else 402 with the
   * price. Counts the view.
   */
  async read(seriesId: string, no: number, user: AuthUser | undefined): Promise<EpisodeForReading> {
    const episode = await this.forReading(seriesId, no);
    if (episode.priceCoins > 0 && !(await this.mayRead(user, episode))) {
      throw new DomainError(
        'WEBTOON.PAYMENT_REQUIRED',
        `This episode costs ${episode.priceCoins} coins`,
        402,
        {},
        { priceCoins: episode.priceCoins, episodeId: episode.id, webtoonId: seriesId, no },
      );
    }
    this.views.record(episode.seriesId, episode.id);
    return episode;
  }

  /** The episode with its series' author, cached like every hot read. */
  async forReading(seriesId: string, no: number): Promise<EpisodeForReading> {
    const episode = await this.cache.remember(cacheKeys.episode(seriesId, no), async () => {
      const db = this.dataSource.manager;
      const [row, series] = await Promise.all([
        this.episodes.find(db, seriesId, no),
        this.series.find(db, seriesId),
      ]);
      if (!row || !series) return undefined;
      return {
        id: row.id,
        seriesId,
        authorId: series.authorId,
        priceCoins: row.priceCoins,
        cached: cachedBody(toEpisodeResponse(row)),
      };
    });
    if (!episode) throw episodeNotFound();
    return episode;
  }

  private async mayRead(user: AuthUser | undefined, episode: EpisodeForReading): Promise<boolean> {
    if (!user) return false;
    if (user.id === episode.authorId) return true;
    const key = `${user.id}:${episode.id}`;
    if (this.owned.has(key)) return true;
    if (!(await this.entitlements.owns(this.dataSource.manager, user.id, episode.id))) return false;
    if (this.owned.size >= ENTITLEMENT_CACHE_MAX) this.owned.clear();
    this.owned.add(key);
    return true;
  }
}
