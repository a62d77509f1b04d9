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
  PageQuery,
  Public,
  type AuthUser,
  idParam,
} from '@lib/platform';
import {
  CreatePostRequest,
  PostDetailResponse,
  PostPageResponse,
  PostResponse,
  UpdatePostRequest,
} from './posts.dto';
import { PostsService } from './posts.service';

/** Served under the public prefix: the gateway forwards paths unchanged. */
@ApiTags('blog')
@Controller('api/blog/posts')
export class PostsController {
  constructor(@Inject(PostsService) private readonly posts: PostsService) {}

  @Public()
  @Get()
  @ApiOkResponse({ type: PostPageResponse, description: 'Newest first' })
  list(@Query() query: PageQuery): Promise<PostPageResponse> {
    return this.posts.list(query);
  }

  @Public()
  @Get(':id')
  @ApiObjectIdParams(['id'])
  @ApiOkResponse({ type: PostDetailResponse })
  get(@Param('id', idParam('objectId')) id: string): Promise<PostDetailResponse> {
    return this.posts.get(id);
  }

  /** Any signed-in user may write; the post is published at once. */
  @Post()
  @ApiCreatedResponse({ type: PostResponse })
  @ApiErrors([403, 'The account was deleted (`BLOG.AUTHOR_DELETED`)'])
  create(@CurrentUser() user: AuthUser, @Body() dto: CreatePostRequest): Promise<PostResponse> {
    return this.posts.create(user, dto);
  }

  @Patch(':id')
  @ApiObjectIdParams(['id'])
  @ApiOkResponse({ type: PostResponse })
  @ApiErrors([403, 'Only the author can edit this (`BLOG.NOT_AUTHOR`)'])
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', idParam('objectId')) id: string,
    @Body() dto: UpdatePostRequest,
  ): Promise<PostResponse> {
    return this.posts.update(user, id, dto);
  }

  @Delete(':id')
  @ApiObjectIdParams(['id'])
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors([403, 'Only the author or a moderator can delete this (`BLOG.NOT_AUTHOR`)'])
  remove(
    @CurrentUser() user: AuthUser,
    @Param('id', idParam('objectId')) id: string,
  ): Promise<void> {
    return this.posts.remove(user, id);
  }
}
