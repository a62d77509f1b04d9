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
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, idParam, PageQueryDto, Public, type AuthUser } from '@lib/platform';
import {
  CreatePostDto,
  PostDetailResponse,
  PostPageResponse,
  PostResponse,
  UpdatePostDto,
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
  list(@Query() query: PageQueryDto): Promise<PostPageResponse> {
    return this.posts.list(query);
  }

  @Public()
  @Get(':id')
  @ApiOkResponse({ type: PostDetailResponse })
  get(@Param('id', idParam('objectId')) id: string): Promise<PostDetailResponse> {
    return this.posts.get(id);
  }

  /** Any signed-in user may write; the post is published at once. */
  @ApiBearerAuth()
  @Post()
  create(@CurrentUser() user: AuthUser, @Body() dto: CreatePostDto): Promise<PostResponse> {
    return this.posts.create(user, dto);
  }

  @ApiBearerAuth()
  @Patch(':id')
  @ApiOkResponse({ type: PostResponse })
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', idParam('objectId')) id: string,
    @Body() dto: UpdatePostDto,
  ): Promise<PostResponse> {
    return this.posts.update(user, id, dto);
  }

  @ApiBearerAuth()
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  remove(
    @CurrentUser() user: AuthUser,
    @Param('id', idParam('objectId')) id: string,
  ): Promise<void> {
    return this.posts.remove(user, id);
  }
}
