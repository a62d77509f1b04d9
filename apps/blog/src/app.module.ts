import { Module } from '@nestjs/common';
import { APP_CONFIG, AuthModule, authOptionsFromConfig } from '@lib/platform';
import { EventsModule, topicSettingsFromConfig } from '@lib/platform/events';
import { MONGO_DB, MongoModule } from '@lib/platform/mongo';
import type { Db } from 'mongodb';
import { AuthorsModule } from './authors/authors.module';
import type { AppConfig } from './config';
import { BlogEventsModule } from './events/blog-events.module';
import { POSTS } from './posts/posts.entity';
import { PostsModule } from './posts/posts.module';

@Module({
  imports: [
    MongoModule.forRoot<AppConfig>({ url: (config) => config.BLOG_MONGODB_URL }),
    EventsModule.forRootAsync({
      inject: [APP_CONFIG, MONGO_DB],
      useFactory: (config: AppConfig, db: Db) => ({
        source: 'blog',
        brokers: config.KAFKA_BROKERS,
        topicPrefix: config.KAFKA_TOPIC_PREFIX,
        ...topicSettingsFromConfig(config),
        // Posts carry their own pending events (blog.post.published.v1).
        store: { kind: 'mongo', db, collections: [POSTS] },
      }),
    }),
    // The platform's global JWT guard: every route needs a token unless it is marked @Public().
    AuthModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => authOptionsFromConfig(config),
    }),
    AuthorsModule,
    PostsModule,
    BlogEventsModule,
  ],
})
export class AppModule {}
