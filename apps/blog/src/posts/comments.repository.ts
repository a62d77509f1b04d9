import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ensureIndexes, MONGO_DB, type MongoEventTx } from '@lib/platform/mongo';
import type { Db, ObjectId } from 'mongodb';
import { COMMENTS, type CommentDocument } from './posts.document';

const WITHOUT_BOOKKEEPING = { _appliedEvents: 0 } as const;
/** Conversation order; `_id` breaks ties. */
const OLDEST_FIRST = { createdAt: 1, _id: 1 } as const;

/** The only code that touches the `comments` collection. */
@Injectable()
export class CommentsRepository implements OnModuleInit {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  private get comments() {
    return this.db.collection<CommentDocument>(COMMENTS);
  }

  /** A post's comments in order, and the lookup by author that anonymisation runs. */
  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.comments, [
      { key: { postId: 1, ...OLDEST_FIRST }, name: 'post_oldest' },
      { key: { authorId: 1 }, name: 'author' },
    ]);
  }

  async insert(comment: CommentDocument): Promise<void> {
    await this.comments.insertOne(comment);
  }

  findOne(postId: ObjectId, id: ObjectId): Promise<CommentDocument | null> {
    return this.comments.findOne({ _id: id, postId }, { projection: WITHOUT_BOOKKEEPING });
  }

  async listForPost(
    postId: ObjectId,
    skip: number,
    limit: number,
  ): Promise<{ items: CommentDocument[]; total: number }> {
    const [items, total] = await Promise.all([
      this.comments
        .find({ postId }, { projection: WITHOUT_BOOKKEEPING })
        .sort(OLDEST_FIRST)
        .skip(skip)
        .limit(limit)
        .toArray(),
      this.comments.countDocuments({ postId }),
    ]);
    return { items, total };
  }

  /** Changes a comment of `authorId`; null when it is gone or no longer theirs. */
  update(
    postId: ObjectId,
    id: ObjectId,
    authorId: string,
    body: string,
    now: Date,
  ): Promise<CommentDocument | null> {
    return this.comments.findOneAndUpdate(
      { _id: id, postId, authorId },
      { $set: { body, updatedAt: now } },
      // No projection: FerretDB 1.24 does not support one on findAndModify.
      { returnDocument: 'after' },
    );
  }

  async delete(postId: ObjectId, id: ObjectId): Promise<boolean> {
    const result = await this.comments.deleteOne({ _id: id, postId });
    return result.deletedCount === 1;
  }

  async deleteForPost(postId: ObjectId): Promise<void> {
    await this.comments.deleteMany({ postId });
  }

  /** Unlinks every comment of a deleted user from them; the text stays. */
  anonymiseAuthor(tx: MongoEventTx, userId: string): Promise<number> {
    return tx.updateMany<CommentDocument>(
      COMMENTS,
      { authorId: userId },
      { $set: { authorId: null } },
    );
  }
}
