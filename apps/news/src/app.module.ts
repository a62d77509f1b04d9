import { Module } from '@nestjs/common';
import { APP_CONFIG, AuthModule, authOptionsFromConfig } from '@lib/platform';
import { EventsModule, topicSettingsFromConfig } from '@lib/platform/events';
import { MONGO_DB, MongoModule } from '@lib/platform/mongo';
import type { Db } from 'mongodb';
import { ArticlesModule } from './articles/articles.module';
import { ARTICLES } from './articles/articles.entity';
import type { AppConfig } from './config';

@Module({
  imports: [
    MongoModule.forRoot<AppConfig>({ url: (config) => config.NEWS_MONGODB_URL }),
    EventsModule.forRootAsync({
      inject: [APP_CONFIG, MONGO_DB],
      useFactory: (config: AppConfig, db: Db) => ({
        source: 'news',
        brokers: config.KAFKA_BROKERS,
        topicPrefix: config.KAFKA_TOPIC_PREFIX,
        ...topicSettingsFromConfig(config),
        // Articles carry their own pending events (news.article.published.v1).
        store: { kind: 'mongo', db, collections: [ARTICLES] },
      }),
    }),
    // The platform's global JWT guard: every route needs a token unless it is marked @Public().
    AuthModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => authOptionsFromConfig(config),
    }),
    ArticlesModule,
  ],
})
export class AppModule {}
