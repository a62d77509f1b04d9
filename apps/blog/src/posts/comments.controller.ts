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
import { CommentRequest, CommentPageResponse, CommentResponse } from './posts.dto';
import { CommentsService } from './comments.service';

@ApiTags('blog')
@ApiObjectIdParams(['postId'])
@Controller('api/blog/posts/:postId/comments')
export class CommentsController {
  constructor(@Inject(CommentsService) private readonly comments: CommentsService) {}

  @Public()
  @Get()
  @ApiOkResponse({ type: CommentPageResponse, description: 'Oldest first' })
  list(
    @Param('postId', idParam('objectId')) postId: string,
    @Query() query: PageQuery,
  ): Promise<CommentPageResponse> {
    return this.comments.list(postId, query);
  }

  @Post()
  @ApiCreatedResponse({ type: CommentResponse })
  @ApiErrors([403, 'The account was deleted (`BLOG.AUTHOR_DELETED`)'])
  create(
    @CurrentUser() user: AuthUser,
    @Param('postId', idParam('objectId')) postId: string,
    @Body() dto: CommentRequest,
  ): Promise<CommentResponse> {
    return this.comments.create(user, postId, dto);
  }

  @Patch(':commentId')
  @ApiObjectIdParams(['commentId'])
  @ApiOkResponse({ type: CommentResponse })
  @ApiErrors([403, 'Only the author can edit this (`BLOG.NOT_AUTHOR`)'])
  update(
    @CurrentUser() user: AuthUser,
    @Param('postId', idParam('objectId')) postId: string,
    @Param('commentId', idParam('objectId')) commentId: string,
    @Body() dto: CommentRequest,
  ): Promise<CommentResponse> {
    return this.comments.update(user, postId, commentId, dto);
  }

  @Delete(':commentId')
  @ApiObjectIdParams(['commentId'])
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors([403, 'Only the author or a moderator can delete this (`BLOG.NOT_AUTHOR`)'])
  remove(
    @CurrentUser() user: AuthUser,
    @Param('postId', idParam('objectId')) postId: string,
    @Param('commentId', idParam('objectId')) commentId: string,
  ): Promise<void> {
    return this.comments.remove(user, postId, commentId);
  }
}
