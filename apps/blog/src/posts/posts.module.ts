import { Module } from '@nestjs/common';
import { AuthorsModule } from '../authors/authors.module';
import { CommentsController } from './comments.controller';
import { CommentsRepository } from './comments.repository';
import { CommentsService } from './comments.service';
import { PostsController } from './posts.controller';
import { PostsRepository } from './posts.repository';
import { PostsService } from './posts.service';

/** Posts and their comments: comments live only under a post. */
@Module({
  imports: [AuthorsModule],
  controllers: [PostsController, CommentsController],
  providers: [PostsRepository, PostsService, CommentsRepository, CommentsService],
  exports: [PostsRepository, CommentsRepository],
})
export class PostsModule {}
