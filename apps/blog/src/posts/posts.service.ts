import { Inject, Injectable } from '@nestjs/common';
import { DomainError, Page, PageQuery, type AuthUser } from '@lib/platform';
import { MongoOutbox } from '@lib/platform/mongo';
import { ObjectId } from 'mongodb';
import type { AuthorView } from '../authors/authors.document';
import { AuthorsService } from '../authors/authors.service';
import { CommentsRepository } from './comments.repository';
import { assertMayChange } from './moderation';
import type {
  CommentResponse,
  CreatePostRequest,
  PostDetailResponse,
  PostResponse,
  UpdatePostRequest,
} from './posts.dto';
import type { CommentDocument, LivePost } from './posts.document';
import { PostsRepository, type PostChanges } from './posts.repository';

/** How many comments a post's page embeds; the rest are paged through …/comments. */
export const EMBEDDED_COMMENTS = 50;

export function postNotFound(): DomainError {
  return new DomainError('BLOG.POST_NOT_FOUND', 'No such post', 404);
}

export function toPostResponse(post: LivePost, author: AuthorView): PostResponse {
  return {
    id: post._id.toHexString(),
    title: post.title,
    body: post.body,
    tags: post.tags,
    author,
    publishedAt: post.publishedAt.toISOString(),
    updatedAt: post.updatedAt.toISOString(),
  };
}

export function toCommentResponse(comment: CommentDocument, author: AuthorView): CommentResponse {
  return {
    id: comment._id.toHexString(),
    postId: comment.postId.toHexString(),
    body: comment.body,
    author,
    createdAt: comment.createdAt.toISOString(),
    updatedAt: comment.updatedAt.toISOString(),
  };
}

@Injectable()
export class PostsService {
  constructor(
    @Inject(PostsRepository) private readonly posts: PostsRepository,
    @Inject(CommentsRepository) private readonly comments: CommentsRepository,
    @Inject(AuthorsService) private readonly authors: AuthorsService,
    @Inject(MongoOutbox) private readonly outbox: MongoOutbox,
  ) {}

  async list(query: PageQuery): Promise<Page<PostResponse>> {
    const { items, total } = await this.posts.list((query.page - 1) * query.limit, query.limit);
    const authorOf = await this.authors.viewsOf(items.map((post) => post.authorId));
    return {
      items: items.map((post) => toPostResponse(post, authorOf(post.authorId))),
      page: query.page,
      limit: query.limit,
      total,
    };
  }

  async get(id: string): Promise<PostDetailResponse> {
    const post = await this.findLive(id);
    const { items, total } = await this.comments.listForPost(post._id, 0, EMBEDDED_COMMENTS);
    const authorOf = await this.authors.viewsOf([
      post.authorId,
      ...items.map((comment) => comment.authorId),
    ]);
    return {
      ...toPostResponse(post, authorOf(post.authorId)),
      comments: items.map((comment) => toCommentResponse(comment, authorOf(comment.authorId))),
      commentsTotal: total,
    };
  }

  /** Creating a post publishes it, with blog.post.published.v1 in the same write. */
  async create(user: AuthUser, dto: CreatePostRequest): Promise<PostResponse> {
    await this.authors.assertCanWrite(user.id);
    const now = new Date();
    const post: LivePost = {
      _id: new ObjectId(),
      title: dto.title,
      body: dto.body,
      tags: dto.tags ?? [],
      authorId: user.id,
      deleted: false,
      publishedAt: now,
      updatedAt: now,
    };
    const published = this.outbox.event('blog.post.published.v1', {
      postId: post._id.toHexString(),
      authorId: user.id,
      title: post.title,
      publishedAt: now.toISOString(),
    });
    await this.posts.insert(post, [published]);
    const authorOf = await this.authors.viewsOf([user.id]);
    return toPostResponse(post, authorOf(user.id));
  }

  async update(user: AuthUser, id: string, dto: UpdatePostRequest): Promise<PostResponse> {
    const post = await this.findLive(id);
    assertMayChange(user, post.authorId, 'edit');
    const changes: PostChanges = {};
    if (dto.title !== undefined) changes.title = dto.title;
    if (dto.body !== undefined) changes.body = dto.body;
    if (dto.tags !== undefined) changes.tags = dto.tags;
    // The filter repeats the author: a post anonymised meanwhile is no longer theirs to edit.
    const updated = await this.posts.update(post._id, user.id, changes, new Date());
    if (!updated) throw postNotFound();
    const authorOf = await this.authors.viewsOf([updated.authorId]);
    return toPostResponse(updated, authorOf(updated.authorId));
  }

  /** Deletes the post and its comments (authors delete their own, moderators any). */
  async remove(user: AuthUser, id: string): Promise<void> {
    const post = await this.findLive(id);
    assertMayChange(user, post.authorId, 'delete');
    if (!(await this.posts.markDeleted(post._id, new Date()))) throw postNotFound();
    await this.comments.deleteForPost(post._id);
  }

  /** A live post by its id (checked by the controller's idParam); 404 if unknown or deleted. */
  async findLive(id: string): Promise<LivePost> {
    const post = await this.posts.findLive(new ObjectId(id));
    if (!post) throw postNotFound();
    return post;
  }
}
