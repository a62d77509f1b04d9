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
import { CommentBodyDto, CommentPageResponse, CommentResponse } from './posts.dto';
import { CommentsService } from './comments.service';

@ApiTags('blog')
@Controller('api/blog/posts/:postId/comments')
export class CommentsController {
  constructor(@Inject(CommentsService) private readonly comments: CommentsService) {}

  @Public()
  @Get()
  @ApiOkResponse({ type: CommentPageResponse, description: 'Oldest first' })
  list(
    @Param('postId', idParam('objectId')) postId: string,
    @Query() query: PageQueryDto,
  ): Promise<CommentPageResponse> {
    return this.comments.list(postId, query);
  }

  @ApiBearerAuth()
  @Post()
  create(
    @CurrentUser() user: AuthUser,
    @Param('postId', idParam('objectId')) postId: string,
    @Body() dto: CommentBodyDto,
  ): Promise<CommentResponse> {
    return this.comments.create(user, postId, dto);
  }

  @ApiBearerAuth()
  @Patch(':commentId')
  @ApiOkResponse({ type: CommentResponse })
  update(
    @CurrentUser() user: AuthUser,
    @Param('postId', idParam('objectId')) postId: string,
    @Param('commentId', idParam('objectId')) commentId: string,
    @Body() dto: CommentBodyDto,
  ): Promise<CommentResponse> {
    return this.comments.update(user, postId, commentId, dto);
  }

  @ApiBearerAuth()
  @Delete(':commentId')
  @HttpCode(204)
  @ApiNoContentResponse()
  remove(
    @CurrentUser() user: AuthUser,
    @Param('postId', idParam('objectId')) postId: string,
    @Param('commentId', idParam('objectId')) commentId: string,
  ): Promise<void> {
    return this.comments.remove(user, postId, commentId);
  }
}
