import { Module } from '@nestjs/common';
import { MongoDeletedAccountsModule } from '@lib/platform/mongo';
import { ArticlesModule } from '../articles/articles.module';
import { RecordAccountWhenUserDeletedHandler } from './record-account-when-user-deleted.handler';
import { WriteArticleWhenEpisodePublishedHandler } from './write-article-when-episode-published.handler';

/**
 * News's reactions to other services' events: webtoon's new episodes become articles, auth's
 * account deletions are remembered (the platform's guard refuses those accounts' writes).
 */
@Module({
  imports: [ArticlesModule, MongoDeletedAccountsModule],
  providers: [WriteArticleWhenEpisodePublishedHandler, RecordAccountWhenUserDeletedHandler],
})
export class NewsEventsModule {}
