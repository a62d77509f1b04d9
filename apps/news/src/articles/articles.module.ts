import { Module } from '@nestjs/common';
import { WriteArticleWhenEpisodePublishedHandler } from '../events/write-article-when-episode-published.handler';
import { ArticlesController } from './articles.controller';
import { ArticlesRepository } from './articles.repository';
import { ArticlesService } from './articles.service';

@Module({
  controllers: [ArticlesController],
  providers: [ArticlesRepository, ArticlesService, WriteArticleWhenEpisodePublishedHandler],
})
export class ArticlesModule {}
