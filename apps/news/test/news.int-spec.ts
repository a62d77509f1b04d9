import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { EventEnvelope } from '@lib/contracts';
import { MONGO_DB } from '@lib/platform/mongo';
import {
  waitFor,
  testEnvelope,
  startServiceTestApp,
  expectHealthAndMetrics,
  type JwksServer,
  type KafkaProbe,
  type ServiceTestApp,
} from '@lib/platform/testing';
import type { Db } from 'mongodb';
import { episodeArticleId } from '../src/articles/articles.service';
import { AppModule } from '../src/app.module';
import { configSchema } from '../src/config';

/** Topics and the consumer group of these tests, apart from a running platform's. */
const PREFIX = 'it-news.';

/**
 * The news service over HTTP against the dev stack's MongoDB-wire server (database news) and
 * Kafka. Every run writes in its own category and with fresh episode ids, so reruns against
 * the same database do not see each other's articles.
 */
describe('news service (MongoDB + Kafka)', () => {
  const run = randomUUID().slice(0, 8);
  const category = `it-${run}`;
  let service: ServiceTestApp;
  let jwks: JwksServer;
  let probe: KafkaProbe;
  let app: NestFastifyApplication;
  let db: Db;
  const tokens: Record<'reader' | 'editor' | 'admin', string> = {
    reader: '',
    editor: '',
    admin: '',
  };

  const http = () => service.http();
  const as = (role: keyof typeof tokens) => ({ authorization: `Bearer ${tokens[role]}` });
  const draft = (overrides: Record<string, unknown> = {}) => ({
    title: `Article ${randomUUID().slice(0, 6)}`,
    body: 'Body text',
    category,
    ...overrides,
  });
  const published = () => probe.received as EventEnvelope<'news.article.published.v1'>[];

  beforeAll(async () => {
    service = await startServiceTestApp({
      name: 'news',
      module: AppModule,
      configSchema,
      topicPrefix: PREFIX,
      listen: ['news.articles'],
    });
    ({ app, jwks, probe } = service);
    db = app.get<Db>(MONGO_DB);
    tokens.reader = await jwks.issuer.sign(`reader-${run}`, { roles: ['reader'] });
    tokens.editor = await jwks.issuer.sign(`editor-${run}`, { roles: ['editor'] });
    tokens.admin = await jwks.issuer.sign(`admin-${run}`, { roles: ['reader', 'admin'] });
  }, 60_000);

  afterAll(async () => {
    await service?.close();
  }, 30_000);

  it('answers health and metrics without a token (Consul and Prometheus send none)', () =>
    expectHealthAndMetrics(service, { mongodb: 'up', kafka: 'up' }));

  describe('roles', () => {
    it('lets an editor write a draft that only editors can see', async () => {
      const created = await http().post('/api/news').set(as('editor')).send(draft());
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        status: 'draft',
        publishedAt: null,
        category,
        tags: [],
        authorId: `editor-${run}`,
      });
      const id = created.body.id as string;

      expect((await http().get(`/api/news/${id}`)).status).toBe(404);
      expect((await http().get(`/api/news/${id}`).set(as('reader'))).status).toBe(404);
      const asEditor = await http().get(`/api/news/${id}`).set(as('editor'));
      expect(asEditor.status).toBe(200);
      expect(asEditor.body.id).toBe(id);

      const drafts = await http()
        .get('/api/news')
        .query({ status: 'draft', category })
        .set(as('admin'));
      expect(drafts.body.items.map((a: { id: string }) => a.id)).toContain(id);
      const asReader = await http().get('/api/news').query({ status: 'draft' }).set(as('reader'));
      expect(asReader.status).toBe(403);
    });

    it('refuses writes without a token (401) and by readers (403)', async () => {
      const anonymous = await http().post('/api/news').send(draft());
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.code).toBe('AUTH.TOKEN_MISSING');
      const forged = await http()
        .post('/api/news')
        .set('authorization', `Bearer ${tokens.editor.slice(0, -4)}AAAA`)
        .send(draft());
      expect(forged.status).toBe(401);

      const created = await http().post('/api/news').set(as('editor')).send(draft());
      const id = created.body.id as string;
      for (const attempt of [
        http().post('/api/news').set(as('reader')).send(draft()),
        http().patch(`/api/news/${id}`).set(as('reader')).send({ title: 'Mine now' }),
        http().post(`/api/news/${id}/publish`).set(as('reader')),
        http().delete(`/api/news/${id}`).set(as('reader')),
      ]) {
        const response = await attempt;
        expect(response.status).toBe(403);
        expect(response.body.code).toBe('AUTH.FORBIDDEN');
      }
      const unchanged = await http().get(`/api/news/${id}`).set(as('editor'));
      expect(unchanged.body.title).toBe(created.body.title);
    });

    it('lets editors edit, publish and delete, and announces a publication once', async () => {
      const created = await http()
        .post('/api/news')
        .set(as('editor'))
        .send(draft({ tags: ['launch'] }));
      const id = created.body.id as string;

      const edited = await http()
        .patch(`/api/news/${id}`)
        .set(as('admin'))
        .send({ title: 'Edited title', tags: ['launch', 'update'] });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ title: 'Edited title', tags: ['launch', 'update'] });
      expect(edited.body.body).toBe('Body text');

      const first = await http().post(`/api/news/${id}/publish`).set(as('editor'));
      expect(first.status).toBe(200);
      expect(first.body.status).toBe('published');
      expect(Date.parse(first.body.publishedAt)).not.toBeNaN();
      const again = await http().post(`/api/news/${id}/publish`).set(as('editor'));
      expect(again.status).toBe(200);
      expect(again.body.publishedAt).toBe(first.body.publishedAt);

      const read = await http().get(`/api/news/${id}`);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ id, title: 'Edited title', status: 'published' });

      const event = await waitFor(async () => published().find((e) => e.data.articleId === id));
      expect(event).toMatchObject({
        type: 'news.article.published.v1',
        source: 'news',
        data: {
          articleId: id,
          title: 'Edited title',
          category,
          authorId: `editor-${run}`,
          publishedAt: first.body.publishedAt,
        },
      });

      expect((await http().delete(`/api/news/${id}`).set(as('editor'))).status).toBe(204);
      expect((await http().get(`/api/news/${id}`)).status).toBe(404);
      expect((await http().delete(`/api/news/${id}`).set(as('editor'))).status).toBe(404);
      expect(published().filter((e) => e.data.articleId === id)).toHaveLength(1);
    });
  });

  describe('listing', () => {
    it('pages through the published articles of a category, newest first', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const created = await http()
          .post('/api/news')
          .set(as('editor'))
          .send(draft({ category: `${category}-list`, publish: true }));
        expect(created.status).toBe(201);
        ids.push(created.body.id);
      }
      await http()
        .post('/api/news')
        .set(as('editor'))
        .send(draft({ category: `${category}-list` }));

      const first = await http()
        .get('/api/news')
        .query({ category: `${category}-list`, limit: 2 });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ page: 1, limit: 2, total: 3 });
      const second = await http()
        .get('/api/news')
        .query({ category: `${category}-list`, limit: 2, page: 2 });
      expect([...first.body.items, ...second.body.items].map((a: { id: string }) => a.id)).toEqual(
        [...ids].reverse(),
      );
      expect(second.body.items.every((a: { status: string }) => a.status === 'published')).toBe(
        true,
      );
    });

    it('answers unbounded or malformed paging with 400', async () => {
      for (const query of [
        { limit: 101 },
        { limit: 1_000_000 },
        { limit: 0 },
        { page: 0 },
        { page: 'two' },
        { page: 1001 },
        { status: 'deleted' },
        { category: 'Not A Slug' },
        { sort: 'title' },
      ]) {
        const response = await http().get('/api/news').query(query);
        expect({ query, status: response.status }).toEqual({ query, status: 400 });
        expect(response.body.statusCode).toBe(400);
      }
    });
  });

  describe('hostile input', () => {
    it('rejects operators in bodies and query strings with 400', async () => {
      const bodies = [
        draft({ title: { $gt: '' } }),
        draft({ category: { $ne: null } }),
        draft({ tags: [{ $gt: '' }] }),
        { ...draft(), $where: 'sleep(1000)' },
        draft({ publish: 'yes' }),
        [draft()],
        [],
      ];
      for (const body of bodies) {
        const response = await http().post('/api/news').set(as('editor')).send(body);
        expect(response.status).toBe(400);
      }
      const { body: created } = await http().post('/api/news').set(as('editor')).send(draft());
      for (const body of [
        { title: { $gt: '' } },
        { $set: { status: 'published' } },
        { title: null },
      ]) {
        const response = await http().patch(`/api/news/${created.id}`).set(as('editor')).send(body);
        expect(response.status).toBe(400);
      }
      for (const path of [
        '/api/news?category[$gt]=',
        '/api/news?category[$ne]=x',
        '/api/news?status[$ne]=draft',
        '/api/news?category=a&category=b',
      ]) {
        const response = await http().get(path);
        expect({ path, status: response.status }).toEqual({ path, status: 400 });
      }
    });

    it('answers malformed ids with 400 and unknown ones with 404, never 500', async () => {
      for (const id of [
        'not-an-id',
        '123',
        'zzzzzzzzzzzzzzzzzzzzzzzz',
        '%7B%22%24gt%22%3A%22%22%7D',
        'aaaaaaaaaaaa',
      ]) {
        const read = await http().get(`/api/news/${id}`);
        expect(read.status).toBe(400);
        expect(read.body.code).toBe('VALIDATION.INVALID_ID');
        expect(
          (await http().patch(`/api/news/${id}`).set(as('editor')).send({ title: 't' })).status,
        ).toBe(400);
        expect((await http().post(`/api/news/${id}/publish`).set(as('editor'))).status).toBe(400);
        expect((await http().delete(`/api/news/${id}`).set(as('editor'))).status).toBe(400);
      }
      const unknown = await http().get(`/api/news/${'f'.repeat(24)}`);
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ code: 'NEWS.ARTICLE_NOT_FOUND', statusCode: 404 });
    });
  });

  describe('webtoon episodes', () => {
    it('writes one published "new episode" article however often the episode is announced', async () => {
      const episodeId = randomUUID();
      const data = {
        webtoonId: randomUUID(),
        webtoonTitle: `Tower ${run}`,
        episodeId,
        episodeNo: 7,
        title: 'The climb',
        authorId: randomUUID(),
        priceCoins: 3,
        publishedAt: new Date().toISOString(),
      };
      const first = testEnvelope('webtoon.episode.published.v1', data, { source: 'webtoon' });
      const second = testEnvelope('webtoon.episode.published.v1', data, { source: 'webtoon' });
      // The same event delivered twice, then a second event for the same episode.
      await probe.send(first);
      await probe.send(first);
      await probe.send(second);

      const id = episodeArticleId(episodeId).toHexString();
      const article = await waitFor(async () => {
        const response = await http().get(`/api/news/${id}`);
        return response.status === 200 ? response.body : undefined;
      }, 30_000);
      expect(article).toMatchObject({
        id,
        category: 'webtoon',
        status: 'published',
        authorId: 'system',
        title: `New episode: Tower ${run} #7 – The climb`,
        publishedAt: data.publishedAt,
      });
      // Both events have been handled (the consumer records them) before counting.
      await waitFor(async () => {
        const handled = await db
          .collection<{ _id: string }>('processed_events')
          .countDocuments({ _id: { $in: [first.id, second.id].map((e) => `${PREFIX}news/${e}`) } });
        return handled === 2 ? true : undefined;
      }, 30_000);
      expect(
        await db.collection('articles').countDocuments({ 'origin.episodeId': episodeId }),
      ).toBe(1);
      await waitFor(async () => published().find((e) => e.data.articleId === id), 30_000);
      expect(published().filter((e) => e.data.articleId === id)).toHaveLength(1);

      const listed = await http().get('/api/news').query({ category: 'webtoon', limit: 50 });
      expect(listed.body.items.filter((a: { id: string }) => a.id === id)).toHaveLength(1);
    });
  });

  describe('deleted editors', () => {
    it('refuses a deleted editor’s still-valid token for writes (401) but still serves reads', async () => {
      const editorId = `leaving-${run}`;
      const token = await jwks.issuer.sign(editorId, { roles: ['editor'] });
      const leaving = { authorization: `Bearer ${token}` };
      const created = await http().post('/api/news').set(leaving).send(draft());
      expect(created.status).toBe(201);

      await probe.send(
        testEnvelope(
          'auth.user.deleted.v1',
          { userId: editorId, deletedAt: new Date().toISOString() },
          { source: 'auth' },
        ),
      );

      const refused = await waitFor(async () => {
        const response = await http().post('/api/news').set(leaving).send(draft());
        return response.status === 401 ? response : undefined;
      }, 30_000);
      expect(refused.body.code).toBe('AUTH.ACCOUNT_DELETED');
      const edit = await http()
        .patch(`/api/news/${created.body.id}`)
        .set(leaving)
        .send({ title: 'Late edit' });
      expect(edit.status).toBe(401);
      expect(edit.body.code).toBe('AUTH.ACCOUNT_DELETED');
      const read = await http().get(`/api/news/${created.body.id}`).set(leaving);
      expect(read.status).toBe(200);
      // Another editor is not affected.
      const other = await http().post('/api/news').set(as('editor')).send(draft());
      expect(other.status).toBe(201);
    });
  });
});
