import { Module } from '@nestjs/common';
import { ArticlesModule } from '../articles/articles.module';
import { WriteArticleWhenEpisodePublishedHandler } from './write-article-when-episode-published.handler';

/** News's reactions to other services' events: webtoon's new episodes become articles. */
@Module({
  imports: [ArticlesModule],
  providers: [WriteArticleWhenEpisodePublishedHandler],
})
export class NewsEventsModule {}
