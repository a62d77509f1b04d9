import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  ensureIndexes,
  MONGO_DB,
  MongoOutbox,
  type MongoEventTx,
  type OutboxEntry,
} from '@lib/platform/mongo';
import type { Db, ObjectId } from 'mongodb';
import { POSTS, type LivePost, type PostDocument } from './posts.document';

/** Bookkeeping fields of the outbox and the idempotent consumer: never part of an answer. */
const WITHOUT_BOOKKEEPING = { _outbox: 0, _outboxLease: 0, _appliedEvents: 0 } as const;
/** Newest first; `_id` breaks ties so paging is stable when two posts share an instant. */
const NEWEST_FIRST = { publishedAt: -1, _id: -1 } as const;
const LIVE = { deleted: false } as const;

export type PostChanges = Partial<Pick<LivePost, 'title' | 'body' | 'tags'>>;

/** The only code that touches the `posts` collection. */
@Injectable()
export class PostsRepository implements OnModuleInit {
  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(MongoOutbox) private readonly outbox: MongoOutbox,
  ) {}

  private get posts() {
    return this.db.collection<PostDocument>(POSTS);
  }

  /** The listing's order, and the lookup by author that anonymisation runs. */
  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.posts, [
      { key: { deleted: 1, ...NEWEST_FIRST }, name: 'live_newest' },
      { key: { authorId: 1 }, name: 'author' },
    ]);
  }

  async insert(post: LivePost, events: OutboxEntry[]): Promise<void> {
    await this.outbox.insertOne<PostDocument>(POSTS, post, events);
  }

  findLive(id: ObjectId): Promise<LivePost | null> {
    return this.posts.findOne<LivePost>({ _id: id, ...LIVE }, { projection: WITHOUT_BOOKKEEPING });
  }

  async list(skip: number, limit: number): Promise<{ items: LivePost[]; total: number }> {
    const [items, total] = await Promise.all([
      this.posts
        .find<LivePost>(LIVE, { projection: WITHOUT_BOOKKEEPING })
        .sort(NEWEST_FIRST)
        .skip(skip)
        .limit(limit)
        .toArray(),
      this.posts.countDocuments(LIVE),
    ]);
    return { items, total };
  }

  /** Changes a live post of `authorId`; null when it is gone or no longer theirs. */
  update(
    id: ObjectId,
    authorId: string,
    changes: PostChanges,
    now: Date,
  ): Promise<LivePost | null> {
    return this.posts.findOneAndUpdate(
      { _id: id, authorId, ...LIVE },
      { $set: { ...changes, updatedAt: now } },
      // No projection: FerretDB 1.24 does not support one on findAndModify.
      { returnDocument: 'after' },
    ) as Promise<LivePost | null>;
  }

  /** Leaves a tombstone without the content (see PostDocument); false when already gone. */
  async markDeleted(id: ObjectId, now: Date): Promise<boolean> {
    const result = await this.posts.updateOne(
      { _id: id, ...LIVE },
      {
        $set: { deleted: true, deletedAt: now, updatedAt: now },
        $unset: { title: '', body: '', tags: '' },
      },
    );
    return result.matchedCount === 1;
  }

  /** Unlinks every post of a deleted user from them; the content stays. */
  anonymiseAuthor(tx: MongoEventTx, userId: string): Promise<number> {
    return tx.updateMany<PostDocument>(POSTS, { authorId: userId }, { $set: { authorId: null } });
  }
}
