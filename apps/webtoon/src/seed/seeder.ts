import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '@lib/platform';
import { OutboxPublisher } from '@lib/platform/postgres';
import { DataSource, type EntityManager } from 'typeorm';
import type { AppConfig } from '../config';
import { EpisodesRepository } from '../episodes/episodes.repository';
import { SeriesRepository } from '../series/series.repository';
import { imageUrls, SEED_AUTHOR_ID, SEED_SERIES } from './seed-data';

/**
 * Loads the demo catalogue: idempotent (fixed ids, insert-if-absent), so it runs on every
 * start with SEED_DATA=true and from `npm run seed`. Newly inserted episodes are announced
 * like any published episode.
 */
export async function seedCatalogue(
  tx: EntityManager,
  series: SeriesRepository,
  episodes: EpisodesRepository,
  outbox: OutboxPublisher,
): Promise<{ series: number; episodes: number }> {
  let addedSeries = 0;
  let addedEpisodes = 0;
  for (const seed of SEED_SERIES) {
    const inserted = await series.insert(tx, {
      id: seed.id,
      authorId: SEED_AUTHOR_ID,
      title: seed.title,
      genres: seed.genres,
      synopsis: seed.synopsis,
      status: seed.status,
      thumbnailUrl: `https://cdn.example.com/webtoons/${seed.id}/thumb.jpg`,
    });
    if (inserted) addedSeries++;
    for (const episode of seed.episodes) {
      const row = await episodes.insert(tx, {
        id: episode.id,
        seriesId: seed.id,
        no: episode.no,
        title: episode.title,
        imageUrls: imageUrls(seed.id, episode.no),
        priceCoins: episode.priceCoins,
      });
      if (!row) continue;
      addedEpisodes++;
      await outbox.publish(tx, 'webtoon.episode.published.v1', {
        webtoonId: seed.id,
        webtoonTitle: seed.title,
        episodeId: row.id,
        episodeNo: row.no,
        title: row.title,
        authorId: SEED_AUTHOR_ID,
        priceCoins: row.priceCoins,
        publishedAt: row.publishedAt.toISOString(),
      });
    }
  }
  return { series: addedSeries, episodes: addedEpisodes };
}

@Injectable()
export class Seeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(Seeder.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly series: SeriesRepository,
    private readonly episodes: EpisodesRepository,
    private readonly outbox: OutboxPublisher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.SEED_DATA) return;
    const added = await this.dataSource.transaction((tx) =>
      seedCatalogue(tx, this.series, this.episodes, this.outbox),
    );
    this.logger.log(`seed data: ${added.series} series and ${added.episodes} episodes added`);
  }
}
