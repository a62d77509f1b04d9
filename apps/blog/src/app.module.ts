import { Module } from '@nestjs/common';
import { mongoDatabase } from '@lib/platform/mongo';
import { ServiceDefaultsModule } from '@lib/platform/service-defaults';
import { AuthorsModule } from './authors/authors.module';
import type { AppConfig } from './config';
import { BlogEventsModule } from './events/blog-events.module';
import { POSTS } from './posts/posts.document';
import { PostsModule } from './posts/posts.module';

@Module({
  imports: [
    ServiceDefaultsModule.forRoot({
      database: mongoDatabase<AppConfig>({
        url: (config) => config.BLOG_MONGODB_URL,
        // Posts carry their own pending events (blog.post.published.v1).
        outboxCollections: [POSTS],
      }),
    }),
    AuthorsModule,
    PostsModule,
    BlogEventsModule,
  ],
})
export class AppModule {}
