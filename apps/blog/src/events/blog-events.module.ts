import { Module } from '@nestjs/common';
import { AuthorsModule } from '../authors/authors.module';
import { PostsModule } from '../posts/posts.module';
import { AnonymiseContentWhenUserDeletedHandler } from './anonymise-content-when-user-deleted.handler';
import { RememberAuthorWhenUserRegisteredHandler } from './remember-author-when-user-registered.handler';

/** The blog's reactions to auth's events. */
@Module({
  imports: [AuthorsModule, PostsModule],
  providers: [RememberAuthorWhenUserRegisteredHandler, AnonymiseContentWhenUserDeletedHandler],
})
export class BlogEventsModule {}
