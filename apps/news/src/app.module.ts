import { Module } from '@nestjs/common';
import { mongoDatabase } from '@lib/platform/mongo';
import { ServiceDefaultsModule } from '@lib/platform/service-defaults';
import { ArticlesModule } from './articles/articles.module';
import { ARTICLES } from './articles/articles.document';
import type { AppConfig } from './config';
import { NewsEventsModule } from './events/news-events.module';

@Module({
  imports: [
    ServiceDefaultsModule.forRoot({
      database: mongoDatabase<AppConfig>({
        url: (config) => config.NEWS_MONGODB_URL,
        // Articles carry their own pending events (news.article.published.v1).
        outboxCollections: [ARTICLES],
      }),
    }),
    ArticlesModule,
    NewsEventsModule,
  ],
})
export class AppModule {}
