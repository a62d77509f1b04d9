import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  ApiObjectIdParams,
  CurrentUser,
  Public,
  Roles,
  type AuthUser,
  idParam,
} from '@lib/platform';
import {
  ArticlePageResponse,
  ArticleResponse,
  CreateArticleRequest,
  ListArticlesQuery,
  UpdateArticleRequest,
} from './articles.dto';
import { ArticlesService } from './articles.service';

/** Served under the public prefix: the gateway forwards paths unchanged. */
@ApiTags('news')
@Controller('api/news')
export class ArticlesController {
  constructor(@Inject(ArticlesService) private readonly articles: ArticlesService) {}

  @Public()
  @Get()
  @ApiOkResponse({ type: ArticlePageResponse, description: 'Newest first' })
  @ApiErrors([403, 'Drafts are visible to editors only (`AUTH.FORBIDDEN`)'])
  list(
    @Query() query: ListArticlesQuery,
    @CurrentUser() user: AuthUser | undefined,
  ): Promise<ArticlePageResponse> {
    return this.articles.list(query, user);
  }

  @Public()
  @Get(':id')
  @ApiObjectIdParams(['id'])
  @ApiOkResponse({ type: ArticleResponse })
  get(
    @Param('id', idParam('objectId')) id: string,
    @CurrentUser() user: AuthUser | undefined,
  ): Promise<ArticleResponse> {
    return this.articles.get(id, user);
  }

  @Roles('editor', 'admin')
  @Post()
  @ApiCreatedResponse({ type: ArticleResponse })
  create(
    @CurrentUser() user: AuthUser,
    @Body() dto: CreateArticleRequest,
  ): Promise<ArticleResponse> {
    return this.articles.create(user, dto);
  }

  @Roles('editor', 'admin')
  @Patch(':id')
  @ApiObjectIdParams(['id'])
  @ApiOkResponse({ type: ArticleResponse })
  update(
    @Param('id', idParam('objectId')) id: string,
    @Body() dto: UpdateArticleRequest,
  ): Promise<ArticleResponse> {
    return this.articles.update(id, dto);
  }

  @Roles('editor', 'admin')
  @Post(':id/publish')
  @ApiObjectIdParams(['id'])
  @HttpCode(200)
  @ApiOkResponse({ type: ArticleResponse })
  @ApiErrors([409, 'Changed while being published; try again (`NEWS.ARTICLE_CHANGED`)'])
  publish(@Param('id', idParam('objectId')) id: string): Promise<ArticleResponse> {
    return this.articles.publish(id);
  }

  @Roles('editor', 'admin')
  @Delete(':id')
  @ApiObjectIdParams(['id'])
  @HttpCode(204)
  @ApiNoContentResponse()
  remove(@Param('id', idParam('objectId')) id: string): Promise<void> {
    return this.articles.remove(id);
  }
}
