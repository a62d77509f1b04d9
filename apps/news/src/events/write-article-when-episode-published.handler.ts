import { Inject, Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@lib/contracts';
import { OnEvent } from '@lib/platform/events';
import type { MongoEventTx } from '@lib/platform/mongo';
import { ArticlesService } from '../articles/articles.service';

/**
 * An event from another service is checked before use: a malformed one fails here, is retried
 * and then parked in the dead letters instead of writing a broken article.
 */
function assertEpisode(data: EventEnvelope<'webtoon.episode.published.v1'>['data']): void {
  const strings = [data.webtoonId, data.webtoonTitle, data.episodeId, data.title];
  if (
    !strings.every((value) => typeof value === 'string' && value.length > 0) ||
    !Number.isInteger(data.episodeNo) ||
    !Number.isInteger(data.priceCoins) ||
    Number.isNaN(Date.parse(data.publishedAt))
  ) {
    throw new Error('webtoon.episode.published.v1 payload is malformed');
  }
}

/** Every published webtoon episode gets one automatic "new episode" article. */
@Injectable()
export class WriteArticleWhenEpisodePublishedHandler {
  constructor(@Inject(ArticlesService) private readonly articles: ArticlesService) {}

  @OnEvent('webtoon.episode.published.v1')
  async handle(
    event: EventEnvelope<'webtoon.episode.published.v1'>,
    tx: MongoEventTx,
  ): Promise<void> {
    assertEpisode(event.data);
    await this.articles.announceEpisode(event, tx);
  }
}
