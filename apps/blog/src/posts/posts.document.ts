import type { ObjectId } from 'mongodb';

export const POSTS = 'posts';
export const COMMENTS = 'comments';

/**
 * A post as stored in `posts`. A post is published when it is created. Deleting one leaves a
 * tombstone without its content (`deleted: true`): a blog.post.published.v1 still pending in
 * the document must reach Kafka, which a removed document could not do.
 */
export interface PostDocument {
  _id: ObjectId;
  title?: string;
  body?: string;
  tags?: string[];
  /** The auth user id; null once that user deleted their account. */
  authorId: string | null;
  deleted: boolean;
  publishedAt: Date;
  updatedAt: Date;
  deletedAt?: Date;
}

/** A live post: the content fields are present. */
export type LivePost = PostDocument & Required<Pick<PostDocument, 'title' | 'body' | 'tags'>>;

/** A comment as stored in `comments`; removed outright when deleted (it carries no events). */
export interface CommentDocument {
  _id: ObjectId;
  postId: ObjectId;
  body: string;
  /** The auth user id; null once that user deleted their account. */
  authorId: string | null;
  createdAt: Date;
  updatedAt: Date;
}
