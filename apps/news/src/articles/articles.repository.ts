import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  ensureIndexes,
  MONGO_DB,
  MongoOutbox,
  type ApplyOutcome,
  type MongoEventTx,
  type OutboxEntry,
} from '@lib/platform/mongo';
import type { Db, Filter, ObjectId } from 'mongodb';
import { ARTICLES, type ArticleDocument, type ArticleStatus } from './articles.document';

/** Bookkeeping fields of the outbox and the idempotent consumer: never part of an answer. */
const WITHOUT_BOOKKEEPING = { _outbox: 0, _outboxLease: 0, _appliedEvents: 0 } as const;
/** Newest first; `_id` breaks ties so paging is stable when two articles share an instant. */
const NEWEST_FIRST = { publishedAt: -1, _id: -1 } as const;

export interface ArticleListFilter {
  status: Exclude<ArticleStatus, 'deleted'>;
  category?: string;
}

export type ArticleChanges = Partial<Pick<ArticleDocument, 'title' | 'body' | 'category' | 'tags'>>;

/** The only code that touches the `articles` collection. */
@Injectable()
export class ArticlesRepository implements OnModuleInit {
  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(MongoOutbox) private readonly outbox: MongoOutbox,
  ) {}

  private get articles() {
    return this.db.collection<ArticleDocument>(ARTICLES);
  }

  /** The indexes behind the public listing (all published, and per category), newest first. */
  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.articles, [
      { key: { status: 1, ...NEWEST_FIRST }, name: 'status_newest' },
      { key: { status: 1, category: 1, ...NEWEST_FIRST }, name: 'status_category_newest' },
    ]);
  }

  /** Inserts an article with the events it causes, in one write. */
  async insert(article: ArticleDocument, events: OutboxEntry[]): Promise<void> {
    await this.outbox.insertOne<ArticleDocument>(ARTICLES, article, events);
  }

  /** Inserts an article an event causes; `duplicate` when that article exists already. */
  insertFromEvent(
    tx: MongoEventTx,
    article: ArticleDocument,
    events: OutboxEntry[],
  ): Promise<ApplyOutcome> {
    return tx.insertOne(ARTICLES, article, events);
  }

  findById(id: ObjectId, statuses: ArticleStatus[]): Promise<ArticleDocument | null> {
    return this.articles.findOne(
      { _id: id, status: { $in: statuses } },
      { projection: WITHOUT_BOOKKEEPING },
    );
  }

  async list(
    filter: ArticleListFilter,
    skip: number,
    limit: number,
  ): Promise<{ items: ArticleDocument[]; total: number }> {
    // Only typed, validated values go into the filter: nothing from the client is an operator.
    const query: Filter<ArticleDocument> = { status: filter.status };
    if (filter.category !== undefined) query.category = filter.category;
    const [items, total] = await Promise.all([
      this.articles
        .find(query, { projection: WITHOUT_BOOKKEEPING })
        .sort(NEWEST_FIRST)
        .skip(skip)
        .limit(limit)
        .toArray(),
      this.articles.countDocuments(query),
    ]);
    return { items, total };
  }

  /** Applies `changes` to a live (not deleted) article; null when there is none. */
  update(id: ObjectId, changes: ArticleChanges, now: Date): Promise<ArticleDocument | null> {
    return this.articles.findOneAndUpdate(
      { _id: id, status: { $ne: 'deleted' } },
      { $set: { ...changes, updatedAt: now } },
      // No projection: FerretDB 1.24 does not support one on findAndModify.
      { returnDocument: 'after' },
    );
  }

  /**
   * Publishes the draft as it was read (`updatedAt` unchanged), with its event in the same
   * write; false when it was published or edited in between.
   */
  async publish(draft: ArticleDocument, now: Date, event: OutboxEntry): Promise<boolean> {
    const result = await this.outbox.updateOne<ArticleDocument>(
      ARTICLES,
      { _id: draft._id, status: 'draft', updatedAt: draft.updatedAt },
      { $set: { status: 'published', publishedAt: now, updatedAt: now } },
      [event],
    );
    return result.modifiedCount === 1;
  }

  /**
   * Deletion keeps a tombstone instead of removing the document: an event still pending in
   * it must reach Kafka, and an automatic article deleted by an editor must not come back
   * when its episode event is redelivered (its id is taken).
   */
  async markDeleted(id: ObjectId, now: Date): Promise<boolean> {
    const result = await this.articles.updateOne(
      { _id: id, status: { $ne: 'deleted' } },
      { $set: { status: 'deleted', deletedAt: now, updatedAt: now } },
    );
    return result.matchedCount === 1;
  }
}
