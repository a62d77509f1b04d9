import { MongoOutbox } from '@lib/platform/mongo';
import { apiTestApp, expectErrorBody, type ApiTestApp } from '@lib/platform/testing';
import { ObjectId } from 'mongodb';
import { ArticlesController } from './articles/articles.controller';
import type { ArticleDocument } from './articles/articles.document';
import { ArticlesRepository } from './articles/articles.repository';
import { ArticlesService } from './articles/articles.service';

const ID = '6650f0c2a1b2c3d4e5f60718';
const AT = new Date('2026-11-27T12:00:00.000Z');

function article(overrides: Partial<ArticleDocument> = {}): ArticleDocument {
  return {
    _id: new ObjectId(ID),
    title: 'Season two starts in March',
    body: 'B',
    category: 'announcements',
    tags: [],
    authorId: 'editor-1',
    status: 'published',
    publishedAt: AT,
    createdAt: AT,
    updatedAt: AT,
    ...overrides,
  };
}

/**
 * The HTTP surface of news (validation, injection-shaped input, auth, roles and error bodies)
 * over the real platform app, its ValidationPipe, error filter and global JWT guard, and the
 * real ArticlesService, with the repository and the outbox faked.
 */
describe('news API: validation, auth and error bodies', () => {
  let api: ApiTestApp;
  const articles = {
    insert: jest.fn(async (_article: ArticleDocument, _events: unknown[]) => undefined),
    findById: jest.fn(async (): Promise<ArticleDocument | null> => article()),
    list: jest.fn(async () => ({ items: [article()], total: 1 })),
    update: jest.fn(async (): Promise<ArticleDocument | null> => article()),
    publish: jest.fn(async () => true),
    markDeleted: jest.fn(async () => true),
  };
  const outbox = {
    event: jest.fn((type: string, data: unknown) => ({ topic: 'news.articles', type, data })),
  };

  beforeAll(async () => {
    api = await apiTestApp({
      name: 'news',
      controllers: [ArticlesController],
      providers: [
        ArticlesService,
        { provide: ArticlesRepository, useValue: articles },
        { provide: MongoOutbox, useValue: outbox },
      ],
    });
  });

  afterAll(() => api.app.close());
  beforeEach(() => jest.clearAllMocks());

  const http = () => api.http();
  const bearer = async (roles: ('reader' | 'editor' | 'admin')[] = ['editor'], userId = 'ed-1') =>
    api.bearer(userId, roles);

  const expectedArticle = {
    id: ID,
    title: 'Season two starts in March',
    body: 'B',
    category: 'announcements',
    tags: [],
    authorId: 'editor-1',
    status: 'published',
    publishedAt: AT.toISOString(),
    createdAt: AT.toISOString(),
    updatedAt: AT.toISOString(),
  };

  describe('GET /api/news', () => {
    it('lists published articles with the default paging, for anyone', async () => {
      const res = await http().get('/api/news');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ items: [expectedArticle], page: 1, limit: 20, total: 1 });
      expect(articles.list).toHaveBeenCalledWith(
        { status: 'published', category: undefined },
        0,
        20,
      );
    });

    it('turns page and limit into a skip and filters by category', async () => {
      const res = await http().get('/api/news?page=3&limit=100&category=webtoon');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ page: 3, limit: 100 });
      expect(articles.list).toHaveBeenCalledWith(
        { status: 'published', category: 'webtoon' },
        200,
        100,
      );
    });

    it('lists drafts to editors and admins only (403 to anyone else)', async () => {
      for (const roles of [['editor'], ['admin']] as const) {
        const res = await http()
          .get('/api/news?status=draft')
          .set('authorization', await bearer([...roles]));
        expect(res.status).toBe(200);
      }
      expect(articles.list).toHaveBeenCalledWith({ status: 'draft', category: undefined }, 0, 20);
      articles.list.mockClear();
      for (const auth of [undefined, await bearer(['reader'])]) {
        const req = http().get('/api/news?status=draft');
        const res = await (auth ? req.set('authorization', auth) : req);
        expect(res.status).toBe(403);
        expectErrorBody(res.body, 403, 'AUTH.FORBIDDEN');
      }
      expect(articles.list).not.toHaveBeenCalled();
    });

    it.each([
      'limit=101',
      'limit=0',
      'page=0',
      'page=1001',
      'page=x',
      'status=deleted',
      'category=Announcements',
      'category=a--b',
      `category=${'a'.repeat(41)}`,
      'category[$gt]=',
      'category=a&category=b',
      '$where=1',
    ])('answers 400 for ?%s without a query', async (query) => {
      const res = await http().get(`/api/news?${query}`);
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400);
      expect(articles.list).not.toHaveBeenCalled();
    });
  });

  describe('GET /api/news/:id', () => {
    it('answers a published article to anyone', async () => {
      const res = await http().get(`/api/news/${ID}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(expectedArticle);
      expect(articles.findById).toHaveBeenCalledWith(new ObjectId(ID), ['published']);
    });

    it('looks among drafts too for an editor', async () => {
      await http()
        .get(`/api/news/${ID}`)
        .set('authorization', await bearer(['editor']));
      expect(articles.findById).toHaveBeenCalledWith(new ObjectId(ID), ['draft', 'published']);
    });

    it.each(['abc', 'x'.repeat(12), `${ID}0`, 'zzzzzzzzzzzzzzzzzzzzzzzz'])(
      'answers 400 VALIDATION.INVALID_ID for the malformed id %s, before any query',
      async (id) => {
        const res = await http().get(`/api/news/${id}`);
        expect(res.status).toBe(400);
        expectErrorBody(res.body, 400, 'VALIDATION.INVALID_ID');
        expect(articles.findById).not.toHaveBeenCalled();
      },
    );

    it('answers 404 for an unknown id', async () => {
      articles.findById.mockResolvedValueOnce(null);
      const res = await http().get(`/api/news/${ID}`);
      expect(res.status).toBe(404);
      expectErrorBody(res.body, 404, 'NEWS.ARTICLE_NOT_FOUND');
    });
  });

  describe('POST /api/news', () => {
    const valid = { title: 'T', body: 'B', category: 'announcements' };

    it('saves a draft by the caller without an event, 201', async () => {
      const res = await http()
        .post('/api/news')
        .set('authorization', await bearer(['editor'], 'ed-7'))
        .send({ ...valid, tags: ['romance'] });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        title: 'T',
        tags: ['romance'],
        authorId: 'ed-7',
        status: 'draft',
        publishedAt: null,
      });
      expect(res.body.id).toMatch(/^[0-9a-f]{24}$/);
      expect(articles.insert).toHaveBeenCalledWith(expect.objectContaining({ title: 'T' }), []);
    });

    it('publishes at once with "publish": true, with its event', async () => {
      const res = await http()
        .post('/api/news')
        .set('authorization', await bearer(['admin']))
        .send({ ...valid, publish: true });
      expect(res.status).toBe(201);
      expect(res.body.status).toBe('published');
      expect(outbox.event).toHaveBeenCalledWith(
        'news.article.published.v1',
        expect.objectContaining({ articleId: res.body.id, title: 'T' }),
      );
      expect(articles.insert.mock.calls[0][1]).toHaveLength(1);
    });

    it('answers 401 without a token and 403 to a reader', async () => {
      const none = await http().post('/api/news').send(valid);
      expect(none.status).toBe(401);
      expectErrorBody(none.body, 401, 'AUTH.TOKEN_MISSING');
      const reader = await http()
        .post('/api/news')
        .set('authorization', await bearer(['reader']))
        .send(valid);
      expect(reader.status).toBe(403);
      expectErrorBody(reader.body, 403, 'AUTH.FORBIDDEN');
      const expired = await http()
        .post('/api/news')
        .set(
          'authorization',
          `Bearer ${await api.issuer.sign('ed-1', { roles: ['editor'], expiresIn: -60 })}`,
        )
        .send(valid);
      expect(expired.status).toBe(401);
      expectErrorBody(expired.body, 401, 'AUTH.TOKEN_INVALID');
      expect(articles.insert).not.toHaveBeenCalled();
    });

    it.each([
      [{ ...valid, title: { $gt: '' } }, 'title must be a string'],
      [{ ...valid, title: '' }, 'title should not be empty'],
      [{ ...valid, title: 'x'.repeat(201) }, 'title must be shorter than or equal to 200'],
      [{ ...valid, body: 'x'.repeat(50_001) }, 'body must be shorter than or equal to 50000'],
      [{ title: 'T', body: 'B' }, 'category must be a string'],
      [{ ...valid, category: 'Bad Category' }, 'category must be a lower-case slug'],
      [{ ...valid, tags: null }, 'tags must be an array'],
      [
        { ...valid, tags: Array.from({ length: 11 }, (_, i) => `t${i}`) },
        'tags must contain no more than 10',
      ],
      [{ ...valid, tags: ['UPPER'] }, 'tags must be a lower-case slug'],
      [{ ...valid, publish: 'yes' }, 'publish must be a boolean value'],
      [{ ...valid, publish: null }, 'publish must be a boolean value'],
      [{ ...valid, status: 'published' }, 'property status should not exist'],
      [{ ...valid, $where: 'sleep(1000)' }, 'property $where should not exist'],
      [{ ...valid, authorId: 'someone' }, 'property authorId should not exist'],
    ])('answers 400 for %j naming the problem', async (body, message) => {
      const res = await http()
        .post('/api/news')
        .set('authorization', await bearer())
        .send(body);
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400);
      expect(res.body.message).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
      expect(articles.insert).not.toHaveBeenCalled();
    });
  });

  describe('PATCH /api/news/:id', () => {
    it('applies only the given fields and answers the article', async () => {
      articles.update.mockResolvedValueOnce(article({ title: 'New' }));
      const res = await http()
        .patch(`/api/news/${ID}`)
        .set('authorization', await bearer())
        .send({ title: 'New', tags: ['a-b'] });
      expect(res.status).toBe(200);
      expect(res.body.title).toBe('New');
      expect(articles.update).toHaveBeenCalledWith(
        new ObjectId(ID),
        { title: 'New', tags: ['a-b'] },
        expect.any(Date),
      );
    });

    it.each([
      [{ title: null }],
      [{ body: { $set: { status: 'published' } } }],
      [{ status: 'published' }],
      [{ publish: true }],
      [{ category: '' }],
    ])('answers 400 for %j', async (body) => {
      const res = await http()
        .patch(`/api/news/${ID}`)
        .set('authorization', await bearer())
        .send(body);
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400);
      expect(articles.update).not.toHaveBeenCalled();
    });

    it('answers 400 for a malformed id, 404 for an unknown one and 403 to a reader', async () => {
      const editor = await bearer();
      const malformed = await http()
        .patch('/api/news/abc')
        .set('authorization', editor)
        .send({ title: 'x' });
      expect(malformed.status).toBe(400);
      expectErrorBody(malformed.body, 400, 'VALIDATION.INVALID_ID');
      expect(articles.update).not.toHaveBeenCalled();
      articles.update.mockResolvedValueOnce(null);
      const unknown = await http()
        .patch(`/api/news/${ID}`)
        .set('authorization', editor)
        .send({ title: 'x' });
      expect(unknown.status).toBe(404);
      const reader = await http()
        .patch(`/api/news/${ID}`)
        .set('authorization', await bearer(['reader']))
        .send({ title: 'x' });
      expect(reader.status).toBe(403);
    });
  });

  describe('POST /api/news/:id/publish', () => {
    it('publishes a draft with its event and answers 200', async () => {
      articles.findById.mockResolvedValueOnce(article({ status: 'draft', publishedAt: null }));
      const res = await http()
        .post(`/api/news/${ID}/publish`)
        .set('authorization', await bearer());
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: ID, status: 'published' });
      expect(articles.publish).toHaveBeenCalledTimes(1);
      expect(outbox.event).toHaveBeenCalledWith('news.article.published.v1', expect.anything());
    });

    it('answers a published article unchanged, announcing nothing twice', async () => {
      const res = await http()
        .post(`/api/news/${ID}/publish`)
        .set('authorization', await bearer());
      expect(res.status).toBe(200);
      expect(res.body).toEqual(expectedArticle);
      expect(articles.publish).not.toHaveBeenCalled();
    });

    it('answers 409 NEWS.ARTICLE_CHANGED when the draft changed meanwhile', async () => {
      const draft = article({ status: 'draft', publishedAt: null });
      articles.findById.mockResolvedValueOnce(draft).mockResolvedValueOnce(draft);
      articles.publish.mockResolvedValueOnce(false);
      const res = await http()
        .post(`/api/news/${ID}/publish`)
        .set('authorization', await bearer());
      expect(res.status).toBe(409);
      expectErrorBody(res.body, 409, 'NEWS.ARTICLE_CHANGED');
    });

    it('answers 400 for a malformed id and 403 to a reader', async () => {
      const malformed = await http()
        .post('/api/news/nope/publish')
        .set('authorization', await bearer());
      expect(malformed.status).toBe(400);
      const reader = await http()
        .post(`/api/news/${ID}/publish`)
        .set('authorization', await bearer(['reader']));
      expect(reader.status).toBe(403);
      expect(articles.publish).not.toHaveBeenCalled();
    });
  });

  describe('DELETE /api/news/:id', () => {
    it('answers 204 with no body', async () => {
      const res = await http()
        .delete(`/api/news/${ID}`)
        .set('authorization', await bearer());
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect(articles.markDeleted).toHaveBeenCalledWith(new ObjectId(ID), expect.any(Date));
    });

    it('answers 400 for a malformed id, 404 for an unknown or deleted one, and 401/403 without rights', async () => {
      const editor = await bearer();
      expect((await http().delete('/api/news/abc').set('authorization', editor)).status).toBe(400);
      expect(articles.markDeleted).not.toHaveBeenCalled();
      articles.markDeleted.mockResolvedValueOnce(false);
      const gone = await http().delete(`/api/news/${ID}`).set('authorization', editor);
      expect(gone.status).toBe(404);
      expectErrorBody(gone.body, 404, 'NEWS.ARTICLE_NOT_FOUND');
      expect((await http().delete(`/api/news/${ID}`)).status).toBe(401);
      const reader = await http()
        .delete(`/api/news/${ID}`)
        .set('authorization', await bearer(['reader']));
      expect(reader.status).toBe(403);
    });
  });
});
