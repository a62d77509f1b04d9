import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EventEnvelope } from '@lib/contracts';
import { DomainError, Page, type AuthUser } from '@lib/platform';
import { MongoOutbox, type MongoEventTx, type OutboxEntry } from '@lib/platform/mongo';
import { ObjectId } from 'mongodb';
import type {
  ArticleResponse,
  CreateArticleRequest,
  ListArticlesQuery,
  UpdateArticleRequest,
} from './articles.dto';
import {
  SYSTEM_AUTHOR,
  WEBTOON_CATEGORY,
  type ArticleDocument,
  type ArticleStatus,
} from './articles.document';
import { ArticlesRepository, type ArticleChanges } from './articles.repository';

const EDITOR_ROLES = ['editor', 'admin'] as const;

function isEditor(user: AuthUser | undefined): boolean {
  return EDITOR_ROLES.some((role) => user?.roles.includes(role));
}

function notFound(): DomainError {
  return new DomainError('NEWS.ARTICLE_NOT_FOUND', 'No such article', 404);
}

export function toArticleResponse(doc: ArticleDocument): ArticleResponse {
  return {
    id: doc._id.toHexString(),
    title: doc.title,
    body: doc.body,
    category: doc.category,
    tags: doc.tags,
    authorId: doc.authorId,
    status: doc.status,
    publishedAt: doc.publishedAt?.toISOString() ?? null,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}

/**
 * The id of the automatic article of an episode: derived from the episode, not from the
 * event, so the same episode announced twice (a redelivery, or a second event for it) collides
 * on insert instead of producing a second article.
 */
export function episodeArticleId(episodeId: string): ObjectId {
  const hex = createHash('sha256').update(`webtoon-episode/${episodeId}`).digest('hex');
  return new ObjectId(hex.slice(0, 24));
}

@Injectable()
export class ArticlesService {
  private readonly logger = new Logger(ArticlesService.name);

  constructor(
    @Inject(ArticlesRepository) private readonly articles: ArticlesRepository,
    @Inject(MongoOutbox) private readonly outbox: MongoOutbox,
  ) {}

  async create(author: AuthUser, dto: CreateArticleRequest): Promise<ArticleResponse> {
    const now = new Date();
    const article: ArticleDocument = {
      _id: new ObjectId(),
      title: dto.title,
      body: dto.body,
      category: dto.category,
      tags: dto.tags ?? [],
      authorId: author.id,
      status: dto.publish ? 'published' : 'draft',
      publishedAt: dto.publish ? now : null,
      createdAt: now,
      updatedAt: now,
    };
    await this.articles.insert(article, dto.publish ? [this.publishedEvent(article)] : []);
    return toArticleResponse(article);
  }

  /** Published articles for everyone; drafts only for editors. */
  async list(query: ListArticlesQuery, user: AuthUser | undefined): Promise<Page<ArticleResponse>> {
    if (query.status === 'draft' && !isEditor(user)) {
      throw new DomainError('AUTH.FORBIDDEN', 'Drafts are visible to editors only', 403);
    }
    const { items, total } = await this.articles.list(
      { status: query.status, category: query.category },
      (query.page - 1) * query.limit,
      query.limit,
    );
    return { items: items.map(toArticleResponse), page: query.page, limit: query.limit, total };
  }

  /** A published article; a draft too when an editor asks (anyone else gets 404, not 403). */
  async get(id: string, user: AuthUser | undefined): Promise<ArticleResponse> {
    const article = await this.findLive(
      id,
      isEditor(user) ? ['draft', 'published'] : ['published'],
    );
    return toArticleResponse(article);
  }

  async update(id: string, dto: UpdateArticleRequest): Promise<ArticleResponse> {
    const changes: ArticleChanges = {};
    if (dto.title !== undefined) changes.title = dto.title;
    if (dto.body !== undefined) changes.body = dto.body;
    if (dto.category !== undefined) changes.category = dto.category;
    if (dto.tags !== undefined) changes.tags = dto.tags;
    const updated = await this.articles.update(new ObjectId(id), changes, new Date());
    if (!updated) throw notFound();
    return toArticleResponse(updated);
  }

  /**
   * Publishes a draft and emits news.article.published.v1 with it. Publishing a published
   * article answers it unchanged (a retried request must not announce it twice).
   */
  async publish(id: string): Promise<ArticleResponse> {
    const article = await this.findLive(id, ['draft', 'published']);
    if (article.status === 'published') return toArticleResponse(article);
    const now = new Date();
    const published: ArticleDocument = {
      ...article,
      status: 'published',
      publishedAt: now,
      updatedAt: now,
    };
    if (await this.articles.publish(article, now, this.publishedEvent(published))) {
      return toArticleResponse(published);
    }
    const current = await this.findLive(id, ['draft', 'published']);
    if (current.status === 'published') return toArticleResponse(current);
    throw new DomainError(
      'NEWS.ARTICLE_CHANGED',
      'The article changed while it was being published; try again',
      409,
    );
  }

  async remove(id: string): Promise<void> {
    if (!(await this.articles.markDeleted(new ObjectId(id), new Date()))) throw notFound();
  }

  /** The published "new episode" article for a webtoon episode, written once per episode. */
  async announceEpisode(
    event: EventEnvelope<'webtoon.episode.published.v1'>,
    tx: MongoEventTx,
  ): Promise<void> {
    const episode = event.data;
    // The episode's own instant, so the article sorts where the episode happened even when
    // the event is handled late (a consumer that was down, a replayed dead letter).
    const publishedAt = new Date(episode.publishedAt);
    const price = episode.priceCoins > 0 ? `${episode.priceCoins} coins` : 'free';
    const article: ArticleDocument = {
      _id: episodeArticleId(episode.episodeId),
      title: `New episode: ${episode.webtoonTitle} #${episode.episodeNo} – ${episode.title}`,
      body: `Episode ${episode.episodeNo} of ${episode.webtoonTitle}, "${episode.title}", is out now (${price}).`,
      category: WEBTOON_CATEGORY,
      tags: ['new-episode'],
      authorId: SYSTEM_AUTHOR,
      status: 'published',
      publishedAt,
      createdAt: publishedAt,
      updatedAt: publishedAt,
      origin: {
        kind: 'webtoon-episode',
        webtoonId: episode.webtoonId,
        episodeId: episode.episodeId,
        episodeNo: episode.episodeNo,
      },
    };
    const outcome = await this.articles.insertFromEvent(tx, article, [
      this.publishedEvent(article),
    ]);
    if (outcome === 'duplicate') {
      this.logger.debug(`episode ${episode.episodeId} already has its article`);
    }
  }

  private async findLive(id: string, statuses: ArticleStatus[]): Promise<ArticleDocument> {
    const article = await this.articles.findById(new ObjectId(id), statuses);
    if (!article) throw notFound();
    return article;
  }

  private publishedEvent(article: ArticleDocument): OutboxEntry {
    return this.outbox.event('news.article.published.v1', {
      articleId: article._id.toHexString(),
      title: article.title,
      category: article.category,
      authorId: article.authorId,
      publishedAt: (article.publishedAt ?? article.updatedAt).toISOString(),
    });
  }
}
