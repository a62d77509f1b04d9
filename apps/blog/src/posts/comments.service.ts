import { Inject, Injectable } from '@nestjs/common';
import { DomainError, Page, PageQuery, type AuthUser } from '@lib/platform';
import { ObjectId } from 'mongodb';
import { AuthorsService } from '../authors/authors.service';
import { CommentsRepository } from './comments.repository';
import { assertMayChange } from './moderation';
import type { CommentRequest, CommentResponse } from './posts.dto';
import type { CommentDocument } from './posts.document';
import { PostsService, toCommentResponse } from './posts.service';

function commentNotFound(): DomainError {
  return new DomainError('BLOG.COMMENT_NOT_FOUND', 'No such comment', 404);
}

@Injectable()
export class CommentsService {
  constructor(
    @Inject(CommentsRepository) private readonly comments: CommentsRepository,
    @Inject(PostsService) private readonly posts: PostsService,
    @Inject(AuthorsService) private readonly authors: AuthorsService,
  ) {}

  async list(postId: string, query: PageQuery): Promise<Page<CommentResponse>> {
    const post = await this.posts.findLive(postId);
    const { items, total } = await this.comments.listForPost(
      post._id,
      (query.page - 1) * query.limit,
      query.limit,
    );
    const authorOf = await this.authors.viewsOf(items.map((comment) => comment.authorId));
    return {
      items: items.map((comment) => toCommentResponse(comment, authorOf(comment.authorId))),
      page: query.page,
      limit: query.limit,
      total,
    };
  }

  async create(user: AuthUser, postId: string, dto: CommentRequest): Promise<CommentResponse> {
    const post = await this.posts.findLive(postId);
    await this.authors.assertCanWrite(user.id);
    const now = new Date();
    const comment: CommentDocument = {
      _id: new ObjectId(),
      postId: post._id,
      body: dto.body,
      authorId: user.id,
      createdAt: now,
      updatedAt: now,
    };
    await this.comments.insert(comment);
    const authorOf = await this.authors.viewsOf([user.id]);
    return toCommentResponse(comment, authorOf(user.id));
  }

  async update(
    user: AuthUser,
    postId: string,
    commentId: string,
    dto: CommentRequest,
  ): Promise<CommentResponse> {
    const comment = await this.find(postId, commentId);
    assertMayChange(user, comment.authorId, 'edit');
    const updated = await this.comments.update(
      comment.postId,
      comment._id,
      user.id,
      dto.body,
      new Date(),
    );
    if (!updated) throw commentNotFound();
    const authorOf = await this.authors.viewsOf([updated.authorId]);
    return toCommentResponse(updated, authorOf(updated.authorId));
  }

  async remove(user: AuthUser, postId: string, commentId: string): Promise<void> {
    const comment = await this.find(postId, commentId);
    assertMayChange(user, comment.authorId, 'delete');
    if (!(await this.comments.delete(comment.postId, comment._id))) throw commentNotFound();
  }

  /** A comment of a live post; 404 for unknown ids. */
  private async find(postId: string, commentId: string): Promise<CommentDocument> {
    const post = await this.posts.findLive(postId);
    const comment = await this.comments.findOne(post._id, new ObjectId(commentId));
    if (!comment) throw commentNotFound();
    return comment;
  }
}
