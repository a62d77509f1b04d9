import type { EventEnvelope } from '@lib/contracts';
import { DomainError, type AuthUser } from '@lib/platform';
import type { MongoEventTx, MongoOutbox } from '@lib/platform/mongo';
import { ObjectId } from 'mongodb';
import type { ArticleDocument } from './articles.document';
import type { ArticlesRepository } from './articles.repository';
import { ArticlesService, episodeArticleId } from './articles.service';

const editor: AuthUser = { id: 'editor-1', roles: ['editor'] };
const reader: AuthUser = { id: 'reader-1', roles: ['reader'] };

/** Records what the service asks of the repository; `stored` answers its reads. */
function fakeRepository(stored: ArticleDocument | null = null) {
  return {
    insert: jest.fn().mockResolvedValue(undefined),
    insertFromEvent: jest.fn().mockResolvedValue('applied'),
    findById: jest.fn().mockResolvedValue(stored),
    list: jest.fn().mockResolvedValue({ items: [], total: 0 }),
    update: jest.fn().mockResolvedValue(stored),
    publish: jest.fn().mockResolvedValue(true),
    markDeleted: jest.fn().mockResolvedValue(true),
  };
}

const outbox = {
  event: (type: string, data: unknown) => ({
    topic: 'news.articles',
    key: 'k',
    envelope: { type, data },
  }),
} as unknown as MongoOutbox;

function serviceWith(repository: ReturnType<typeof fakeRepository>): ArticlesService {
  return new ArticlesService(repository as unknown as ArticlesRepository, outbox);
}

function draft(overrides: Partial<ArticleDocument> = {}): ArticleDocument {
  const at = new Date('2026-01-01T00:00:00Z');
  return {
    _id: new ObjectId(),
    title: 'T',
    body: 'B',
    category: 'news',
    tags: [],
    authorId: 'editor-1',
    status: 'draft',
    publishedAt: null,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

describe('episodeArticleId', () => {
  it('derives the same ObjectId for the same episode and another for another', () => {
    expect(episodeArticleId('ep-1').equals(episodeArticleId('ep-1'))).toBe(true);
    expect(episodeArticleId('ep-1').equals(episodeArticleId('ep-2'))).toBe(false);
    expect(episodeArticleId('ep-1').toHexString()).toMatch(/^[0-9a-f]{24}$/);
  });
});

describe('ArticlesService', () => {
  it('saves a draft without an event, and a published article with one', async () => {
    const repository = fakeRepository();
    const service = serviceWith(repository);

    const saved = await service.create(editor, { title: 'T', body: 'B', category: 'news' });
    expect(saved).toMatchObject({ status: 'draft', publishedAt: null, authorId: 'editor-1' });
    expect(repository.insert).toHaveBeenLastCalledWith(expect.anything(), []);

    const live = await service.create(editor, {
      title: 'T',
      body: 'B',
      category: 'news',
      publish: true,
    });
    expect(live.status).toBe('published');
    const [doc, events] = repository.insert.mock.calls[1];
    expect(events).toEqual([
      expect.objectContaining({
        envelope: {
          type: 'news.article.published.v1',
          data: {
            articleId: doc._id.toHexString(),
            title: 'T',
            category: 'news',
            authorId: 'editor-1',
            publishedAt: live.publishedAt,
          },
        },
      }),
    ]);
  });

  it('shows drafts to editors only', async () => {
    const repository = fakeRepository(draft({ status: 'published', publishedAt: new Date() }));
    const service = serviceWith(repository);
    const query = { page: 2, limit: 10, status: 'draft' as const };
    await expect(service.list(query, reader)).rejects.toMatchObject({ status: 403 });
    await expect(service.list(query, undefined)).rejects.toBeInstanceOf(DomainError);
    await service.list(query, editor);
    expect(repository.list).toHaveBeenCalledWith({ status: 'draft', category: undefined }, 10, 10);

    await service.get(new ObjectId().toHexString(), reader);
    expect(repository.findById).toHaveBeenLastCalledWith(expect.any(ObjectId), ['published']);
    await service.get(new ObjectId().toHexString(), editor);
    expect(repository.findById).toHaveBeenLastCalledWith(expect.any(ObjectId), [
      'draft',
      'published',
    ]);
  });

  it('publishes a published article as a no-op, so a retried request announces nothing', async () => {
    const article = draft({ status: 'published', publishedAt: new Date('2026-02-01T00:00:00Z') });
    const repository = fakeRepository(article);
    const result = await serviceWith(repository).publish(article._id.toHexString());
    expect(result.publishedAt).toBe('2026-02-01T00:00:00.000Z');
    expect(repository.publish).not.toHaveBeenCalled();
  });

  it('answers 409 when the draft changed between reading and publishing it', async () => {
    const article = draft();
    const repository = fakeRepository(article);
    repository.publish.mockResolvedValue(false);
    await expect(serviceWith(repository).publish(article._id.toHexString())).rejects.toMatchObject({
      code: 'NEWS.ARTICLE_CHANGED',
      status: 409,
    });
  });

  it('writes the episode article under the id derived from the episode', async () => {
    const repository = fakeRepository();
    const event = {
      id: 'event-1',
      data: {
        webtoonId: 'w1',
        webtoonTitle: 'Tower',
        episodeId: 'ep-9',
        episodeNo: 9,
        title: 'Summit',
        authorId: 'author-1',
        priceCoins: 0,
        publishedAt: '2026-03-01T12:00:00.000Z',
      },
    } as EventEnvelope<'webtoon.episode.published.v1'>;
    await serviceWith(repository).announceEpisode(event, {} as MongoEventTx);
    const [, article, events] = repository.insertFromEvent.mock.calls[0];
    expect(article).toMatchObject({
      category: 'webtoon',
      status: 'published',
      authorId: 'system',
      publishedAt: new Date('2026-03-01T12:00:00.000Z'),
      origin: { kind: 'webtoon-episode', episodeId: 'ep-9', webtoonId: 'w1', episodeNo: 9 },
    });
    expect(article._id.equals(episodeArticleId('ep-9'))).toBe(true);
    expect(article.body).toContain('free');
    expect(events[0].envelope.data.articleId).toBe(article._id.toHexString());
  });
});
