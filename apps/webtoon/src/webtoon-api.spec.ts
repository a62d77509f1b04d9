import { DomainError } from '@lib/platform';
import {
  apiTestApp,
  expectErrorBody,
  TestTokenIssuer,
  type ApiTestApp,
} from '@lib/platform/testing';
import { CacheHitHook } from './common/cache-hit.hook';
import { cachedBody, ReadCache } from './common/read-cache';
import { EpisodesController } from './episodes/episodes.controller';
import { EpisodesService, type EpisodeForReading } from './episodes/episodes.service';
import type { PurchaseResponse } from './purchases/purchases.dto';
import { PurchasesController } from './purchases/purchases.controller';
import { PurchasesService } from './purchases/purchases.service';
import { SeriesController } from './series/series.controller';
import { ListSeriesQuery } from './series/series.dto';
import { cacheKeys, SeriesService } from './series/series.service';
import { RankingController } from './views/ranking.controller';
import { RankingService } from './views/ranking.service';
import { ViewCounter } from './views/view-counter';

const SERIES_ID = '0b6f6a52-3d43-4c1e-9a77-2f1b3c4d5e6f';
const PURCHASE_ID = '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6';
const KEY = 'purchase-key-0001';

function episodeForReading(priceCoins: number, seriesId = SERIES_ID): EpisodeForReading {
  return {
    id: 'e-1',
    seriesId,
    authorId: 'author-1',
    priceCoins,
    cached: cachedBody({ id: 'e-1', webtoonId: seriesId, no: 1, priceCoins, imageUrls: ['u'] }),
  };
}

function pendingPurchase(): PurchaseResponse {
  return {
    purchaseId: PURCHASE_ID,
    status: 'pending',
    webtoonId: SERIES_ID,
    episodeNo: 4,
    priceCoins: 3,
    createdAt: '2026-11-27T12:00:00.000Z',
    deadlineAt: '2026-11-27T12:01:00.000Z',
  };
}

/**
 * The HTTP surface of webtoon (validation, auth, roles, idempotency keys and error bodies)
 * over the real platform app, its ValidationPipe, error filter, global JWT guard and the
 * read path's cache hook, with the services faked.
 */
describe('webtoon API: validation, auth and error bodies', () => {
  let api: ApiTestApp;
  const cache = new ReadCache({ READ_CACHE_TTL_MS: 5000, READ_CACHE_MAX_ENTRIES: 100 });
  const series = {
    cachedList: jest.fn(async (query: ListSeriesQuery) =>
      cachedBody({ items: [], page: query.page, limit: query.limit, total: 0 }),
    ),
    cachedSeries: jest.fn(async (id: string) => cachedBody({ id, title: 'T' })),
    create: jest.fn(async (user: { id: string }, body: object) => ({
      id: SERIES_ID,
      authorId: user.id,
      ...body,
    })),
    update: jest.fn(async (_user: unknown, id: string, body: object) => ({ id, ...body })),
  };
  const episodes = {
    cachedList: jest.fn(async (_id: string, page: number, limit: number) =>
      cachedBody({ items: [], page, limit, total: 0 }),
    ),
    publish: jest.fn(async (_user: unknown, id: string, body: object) => ({
      webtoonId: id,
      ...body,
    })),
    read: jest.fn(async (): Promise<EpisodeForReading> => episodeForReading(0)),
  };
  const purchases = {
    request: jest.fn(async () => pendingPurchase()),
    get: jest.fn(async () => pendingPurchase()),
  };
  const ranking = {
    cachedRanking: jest.fn(async (date: string | undefined, limit: number) =>
      cachedBody({ date: date ?? 'today', limit, items: [] }),
    ),
  };
  const views = { record: jest.fn() };

  beforeAll(async () => {
    api = await apiTestApp({
      name: 'webtoon',
      controllers: [SeriesController, RankingController, EpisodesController, PurchasesController],
      providers: [
        { provide: ReadCache, useValue: cache },
        { provide: SeriesService, useValue: series },
        { provide: EpisodesService, useValue: episodes },
        { provide: PurchasesService, useValue: purchases },
        { provide: RankingService, useValue: ranking },
        { provide: ViewCounter, useValue: views },
        CacheHitHook,
      ],
    });
  });

  afterAll(() => api.app.close());
  beforeEach(() => {
    jest.clearAllMocks();
    cache.invalidatePrefix('');
  });

  const http = () => api.http();
  const admin = () => api.admin();
  const bearer = async (roles: ('reader' | 'author' | 'admin')[] = ['reader'], userId = 'u-1') =>
    api.bearer(userId, roles);

  describe('GET /api/webtoons', () => {
    it('passes paging defaults and filters to the service, public and cacheable', async () => {
      const res = await http().get('/api/webtoons?genre=sci-fi&q=Night%20Sky');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ items: [], page: 1, limit: 20, total: 0 });
      expect(res.headers['cache-control']).toBe('public, max-age=5');
      expect(res.headers.etag).toMatch(/^W\/"/);
      const [query] = series.cachedList.mock.calls[0];
      expect(query).toBeInstanceOf(ListSeriesQuery);
      expect(query).toMatchObject({ page: 1, limit: 20, genre: 'sci-fi', q: 'Night Sky' });
    });

    it('converts numeric paging and answers 304 to a matching If-None-Match', async () => {
      const first = await http().get('/api/webtoons?page=3&limit=50');
      expect(first.body).toMatchObject({ page: 3, limit: 50 });
      const again = await http()
        .get('/api/webtoons?page=3&limit=50')
        .set('if-none-match', first.headers.etag);
      expect(again.status).toBe(304);
    });

    it.each([
      'limit=51',
      'limit=0',
      'limit=1e3',
      'limit=',
      'page=0',
      'page=501',
      'page=abc',
      'page=1&page=2',
      'genre=Drop%20Table',
      'genre=-x',
      'genre[$ne]=x',
      `q=${'x'.repeat(101)}`,
      'q=',
      'sort=title',
    ])('answers 400 with the error body for ?%s', async (query) => {
      const res = await http().get(`/api/webtoons?${query}`);
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400);
      expect(series.cachedList).not.toHaveBeenCalled();
    });
  });

  describe('GET /api/webtoons/:id', () => {
    it('answers the series from the service', async () => {
      const res = await http().get(`/api/webtoons/${SERIES_ID}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: SERIES_ID, title: 'T' });
      expect(series.cachedSeries).toHaveBeenCalledWith(SERIES_ID);
    });

    it('answers a cached series from the cache hook without reaching the service', async () => {
      await cache.getOrLoad(cacheKeys.series(SERIES_ID), async () => ({ id: SERIES_ID, n: 1 }));
      const res = await http().get(`/api/webtoons/${SERIES_ID}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: SERIES_ID, n: 1 });
      expect(series.cachedSeries).not.toHaveBeenCalled();
    });

    it.each(['not-a-uuid', '1', `${SERIES_ID}x`, "1' OR '1'='1"])(
      'answers 400 VALIDATION.INVALID_ID for the id %s',
      async (id) => {
        const res = await http().get(`/api/webtoons/${encodeURIComponent(id)}`);
        expect(res.status).toBe(400);
        expectErrorBody(res.body, 400, 'VALIDATION.INVALID_ID');
        expect(series.cachedSeries).not.toHaveBeenCalled();
      },
    );

    it('answers 404 with the domain code when the service finds nothing', async () => {
      series.cachedSeries.mockRejectedValueOnce(
        new DomainError('WEBTOON.SERIES_NOT_FOUND', 'No such series', 404),
      );
      const res = await http().get(`/api/webtoons/${SERIES_ID}`);
      expect(res.status).toBe(404);
      expectErrorBody(res.body, 404, 'WEBTOON.SERIES_NOT_FOUND');
    });

    it('answers 500 without internals when the service fails unexpectedly', async () => {
      series.cachedSeries.mockRejectedValueOnce(new Error('relation "series" does not exist'));
      const res = await http().get(`/api/webtoons/${SERIES_ID}`);
      expect(res.status).toBe(500);
      expectErrorBody(res.body, 500);
      expect(JSON.stringify(res.body)).not.toContain('relation');
    });
  });

  describe('POST /api/webtoons', () => {
    const valid = { title: '  Salt and Static ', genres: ['sci-fi', 'drama'] };

    it('lets an author create a series with a trimmed title; the caller is its author', async () => {
      const res = await http()
        .post('/api/webtoons')
        .set('authorization', await bearer(['author'], 'author-1'))
        .send({ ...valid, status: 'hiatus', thumbnailUrl: 'https://cdn.example.com/t.jpg' });
      expect(res.status).toBe(201);
      expect(series.create).toHaveBeenCalledWith(
        { id: 'author-1', roles: ['author'] },
        {
          title: 'Salt and Static',
          genres: ['sci-fi', 'drama'],
          status: 'hiatus',
          thumbnailUrl: 'https://cdn.example.com/t.jpg',
        },
      );
      expect(res.body).toMatchObject({ id: SERIES_ID, authorId: 'author-1' });
    });

    it('lets an admin create one too', async () => {
      const res = await http()
        .post('/api/webtoons')
        .set('authorization', await bearer(['admin']))
        .send(valid);
      expect(res.status).toBe(201);
    });

    it('answers 401 without a token, with a Bearer challenge', async () => {
      const res = await http().post('/api/webtoons').send(valid);
      expect(res.status).toBe(401);
      expectErrorBody(res.body, 401, 'AUTH.TOKEN_MISSING');
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });

    it.each([
      [
        'an expired token',
        () => api.issuer.sign('author-1', { roles: ['author'], expiresIn: -120 }),
      ],
      [
        'a token for another audience',
        () => api.issuer.sign('author-1', { roles: ['author'], audience: 'elsewhere' }),
      ],
      [
        'a token signed with another key',
        async () => (await TestTokenIssuer.create()).sign('author-1', { roles: ['author'] }),
      ],
      ['a token that is not a JWT', async () => 'abc.def.ghi'],
    ])('answers 401 AUTH.TOKEN_INVALID for %s', async (_name, token) => {
      const res = await http()
        .post('/api/webtoons')
        .set('authorization', `Bearer ${await token()}`)
        .send(valid);
      expect(res.status).toBe(401);
      expectErrorBody(res.body, 401, 'AUTH.TOKEN_INVALID');
      expect(series.create).not.toHaveBeenCalled();
    });

    it('answers 403 to a reader', async () => {
      const res = await http()
        .post('/api/webtoons')
        .set('authorization', await bearer(['reader']))
        .send(valid);
      expect(res.status).toBe(403);
      expectErrorBody(res.body, 403, 'AUTH.FORBIDDEN');
      expect(series.create).not.toHaveBeenCalled();
    });

    it.each([
      [{ ...valid, title: '   ' }, 'title must be longer than or equal to 1 characters'],
      [{ ...valid, title: 'x'.repeat(201) }, 'title must be shorter than or equal to 200'],
      [{ ...valid, title: 42 }, 'title must be a string'],
      [{ genres: ['drama'] }, 'title must be a string'],
      [{ ...valid, genres: [] }, 'genres must contain at least 1 elements'],
      [{ ...valid, genres: ['a', 'b', 'c', 'd', 'e', 'f'] }, 'genres must contain no more than 5'],
      [{ ...valid, genres: ['Drama'] }, 'each genre must be a lowercase slug'],
      [{ ...valid, genres: 'drama' }, 'genres must be an array'],
      [{ ...valid, status: 'finished' }, 'status must be one of the following values'],
      [{ ...valid, synopsis: 'x'.repeat(2001) }, 'synopsis must be shorter than or equal to 2000'],
      [{ ...valid, thumbnailUrl: 'javascript:alert(1)' }, 'thumbnailUrl must be a URL address'],
      [{ ...valid, authorId: 'someone-else' }, 'property authorId should not exist'],
    ])('answers 400 for %j naming the problem', async (body, message) => {
      const res = await http()
        .post('/api/webtoons')
        .set('authorization', await bearer(['author']))
        .send(body);
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400);
      expect(res.body.message).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
      expect(series.create).not.toHaveBeenCalled();
    });

    it('answers 400, not 500, for a body that is not JSON', async () => {
      const res = await http()
        .post('/api/webtoons')
        .set('authorization', await bearer(['author']))
        .set('content-type', 'application/json')
        .send('{"title":');
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400);
    });
  });

  describe('PATCH /api/webtoons/:id', () => {
    it('passes the caller, the id and only the given fields', async () => {
      const res = await http()
        .patch(`/api/webtoons/${SERIES_ID}`)
        .set('authorization', await bearer(['author'], 'author-1'))
        .send({ title: ' New title ', status: 'completed' });
      expect(res.status).toBe(200);
      expect(series.update).toHaveBeenCalledWith({ id: 'author-1', roles: ['author'] }, SERIES_ID, {
        title: 'New title',
        status: 'completed',
      });
    });

    it("answers 403 with the service's code to another author", async () => {
      series.update.mockRejectedValueOnce(
        new DomainError('WEBTOON.NOT_SERIES_AUTHOR', 'Only the series author can do this', 403),
      );
      const res = await http()
        .patch(`/api/webtoons/${SERIES_ID}`)
        .set('authorization', await bearer(['author'], 'author-2'))
        .send({ title: 'Mine now' });
      expect(res.status).toBe(403);
      expectErrorBody(res.body, 403, 'WEBTOON.NOT_SERIES_AUTHOR');
    });

    it('answers 403 to a reader and 400 for a bad id or body', async () => {
      const reader = await http()
        .patch(`/api/webtoons/${SERIES_ID}`)
        .set('authorization', await bearer(['reader']))
        .send({ title: 'x' });
      expect(reader.status).toBe(403);
      const author = await bearer(['author']);
      const badId = await http()
        .patch('/api/webtoons/nope')
        .set('authorization', author)
        .send({ title: 'x' });
      expect(badId.status).toBe(400);
      expectErrorBody(badId.body, 400, 'VALIDATION.INVALID_ID');
      for (const body of [{ genres: ['UPPER'] }, { title: '' }, { views: 9 }]) {
        const res = await http()
          .patch(`/api/webtoons/${SERIES_ID}`)
          .set('authorization', author)
          .send(body);
        expect([body, res.status]).toEqual([body, 400]);
      }
      expect(series.update).not.toHaveBeenCalled();
    });
  });

  describe('GET /api/webtoons/:id/episodes', () => {
    it('passes the platform paging to the service', async () => {
      const res = await http().get(`/api/webtoons/${SERIES_ID}/episodes?page=2&limit=100`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ items: [], page: 2, limit: 100, total: 0 });
      expect(episodes.cachedList).toHaveBeenCalledWith(SERIES_ID, 2, 100);
    });

    it.each(['limit=101', 'page=1001', 'page=-1', 'limit=2.5', 'extra=1'])(
      'answers 400 for ?%s',
      async (query) => {
        const res = await http().get(`/api/webtoons/${SERIES_ID}/episodes?${query}`);
        expect(res.status).toBe(400);
        expectErrorBody(res.body, 400);
        expect(episodes.cachedList).not.toHaveBeenCalled();
      },
    );

    it('answers 400 for a malformed series id', async () => {
      const res = await http().get('/api/webtoons/123/episodes');
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400, 'VALIDATION.INVALID_ID');
    });
  });

  describe('POST /api/webtoons/:id/episodes', () => {
    const valid = { title: ' Ep 1 ', imageUrls: ['https://cdn.example.com/1.jpg'] };

    it('lets an author publish with a trimmed title and answers 201', async () => {
      const res = await http()
        .post(`/api/webtoons/${SERIES_ID}/episodes`)
        .set('authorization', await bearer(['author'], 'author-1'))
        .send({ ...valid, priceCoins: 3, no: 7 });
      expect(res.status).toBe(201);
      expect(episodes.publish).toHaveBeenCalledWith(
        { id: 'author-1', roles: ['author'] },
        SERIES_ID,
        { title: 'Ep 1', imageUrls: ['https://cdn.example.com/1.jpg'], priceCoins: 3, no: 7 },
      );
    });

    it('answers 409 with the code when the number is taken', async () => {
      episodes.publish.mockRejectedValueOnce(
        new DomainError('WEBTOON.EPISODE_EXISTS', 'That episode number is taken', 409),
      );
      const res = await http()
        .post(`/api/webtoons/${SERIES_ID}/episodes`)
        .set('authorization', await bearer(['author']))
        .send({ ...valid, no: 1 });
      expect(res.status).toBe(409);
      expectErrorBody(res.body, 409, 'WEBTOON.EPISODE_EXISTS');
    });

    it.each([
      [{ ...valid, imageUrls: [] }],
      [{ ...valid, imageUrls: ['ftp://x/1.jpg'] }],
      [{ ...valid, imageUrls: Array.from({ length: 201 }, (_, i) => `https://x.io/${i}.jpg`) }],
      [{ ...valid, priceCoins: -1 }],
      [{ ...valid, priceCoins: 10_001 }],
      [{ ...valid, priceCoins: '3' }],
      [{ ...valid, no: 0 }],
      [{ ...valid, no: 1.5 }],
      [{ ...valid, no: 100_001 }],
      [{ imageUrls: valid.imageUrls }],
      [{ ...valid, publishedAt: '2020-01-01' }],
    ])('answers 400 for %j', async (body) => {
      const res = await http()
        .post(`/api/webtoons/${SERIES_ID}/episodes`)
        .set('authorization', await bearer(['author']))
        .send(body);
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400);
      expect(episodes.publish).not.toHaveBeenCalled();
    });

    it('answers 401 without a token and 403 to a reader', async () => {
      expect((await http().post(`/api/webtoons/${SERIES_ID}/episodes`).send(valid)).status).toBe(
        401,
      );
      const res = await http()
        .post(`/api/webtoons/${SERIES_ID}/episodes`)
        .set('authorization', await bearer(['reader']))
        .send(valid);
      expect(res.status).toBe(403);
      expect(episodes.publish).not.toHaveBeenCalled();
    });
  });

  describe('GET /api/webtoons/:id/episodes/:no', () => {
    it('serves a free episode to anyone, publicly cacheable', async () => {
      const res = await http().get(`/api/webtoons/${SERIES_ID}/episodes/1`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: 'e-1', priceCoins: 0 });
      expect(res.headers['cache-control']).toBe('public, max-age=5');
      expect(episodes.read).toHaveBeenCalledWith(SERIES_ID, 1, undefined);
    });

    it('passes the verified reader and marks a paid episode private', async () => {
      episodes.read.mockResolvedValueOnce(episodeForReading(3));
      const res = await http()
        .get(`/api/webtoons/${SERIES_ID}/episodes/2`)
        .set('authorization', await bearer(['reader'], 'u-7'));
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('private, no-cache');
      expect(episodes.read).toHaveBeenCalledWith(SERIES_ID, 2, { id: 'u-7', roles: ['reader'] });
    });

    it('treats a forged token on a public read as no reader at all', async () => {
      const forged = await (await TestTokenIssuer.create()).sign('u-7');
      const res = await http()
        .get(`/api/webtoons/${SERIES_ID}/episodes/2`)
        .set('authorization', `Bearer ${forged}`);
      expect(res.status).toBe(200);
      expect(episodes.read).toHaveBeenCalledWith(SERIES_ID, 2, undefined);
    });

    it('answers 402 with the price, the ids and the code for a paid episode not owned', async () => {
      episodes.read.mockRejectedValueOnce(
        new DomainError(
          'WEBTOON.PAYMENT_REQUIRED',
          'This episode costs 3 coins',
          402,
          {},
          { priceCoins: 3, episodeId: 'e-2', webtoonId: SERIES_ID, no: 2 },
        ),
      );
      const res = await http().get(`/api/webtoons/${SERIES_ID}/episodes/2`);
      expect(res.status).toBe(402);
      expectErrorBody(res.body, 402, 'WEBTOON.PAYMENT_REQUIRED');
      expect(res.body).toMatchObject({
        priceCoins: 3,
        episodeId: 'e-2',
        webtoonId: SERIES_ID,
        no: 2,
      });
    });

    it('serves a cached free episode from the hook and counts the view', async () => {
      await cache.remember(cacheKeys.episode(SERIES_ID, 1), async () => episodeForReading(0));
      const res = await http().get(`/api/webtoons/${SERIES_ID}/episodes/1`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: 'e-1' });
      expect(episodes.read).not.toHaveBeenCalled();
      expect(views.record).toHaveBeenCalledWith(SERIES_ID, 'e-1');
    });

    it('leaves a cached paid episode to the controller, which checks the reader', async () => {
      await cache.remember(cacheKeys.episode(SERIES_ID, 2), async () => episodeForReading(3));
      episodes.read.mockResolvedValueOnce(episodeForReading(3));
      await http().get(`/api/webtoons/${SERIES_ID}/episodes/2`);
      expect(episodes.read).toHaveBeenCalledWith(SERIES_ID, 2, undefined);
      expect(views.record).not.toHaveBeenCalled();
    });

    it.each(['abc', '0', '-1', '1.5', '1e3', '0x10', '+1', '99999999999', '2147483648'])(
      'answers 400 VALIDATION.INVALID_EPISODE_NO for the number %s',
      async (no) => {
        const res = await http().get(`/api/webtoons/${SERIES_ID}/episodes/${no}`);
        expect(res.status).toBe(400);
        expectErrorBody(res.body, 400, 'VALIDATION.INVALID_EPISODE_NO');
        expect(episodes.read).not.toHaveBeenCalled();
      },
    );

    it('reads the number 01 as episode 1', async () => {
      await http().get(`/api/webtoons/${SERIES_ID}/episodes/01`);
      expect(episodes.read).toHaveBeenCalledWith(SERIES_ID, 1, undefined);
    });
  });

  describe('POST /api/webtoons/:id/episodes/:no/purchase', () => {
    const path = `/api/webtoons/${SERIES_ID}/episodes/4/purchase`;

    it('answers 202 with the pending purchase and its Location', async () => {
      const res = await http()
        .post(path)
        .set('authorization', await bearer(['reader'], 'u-3'))
        .set('idempotency-key', KEY);
      expect(res.status).toBe(202);
      expect(res.headers.location).toBe(`/api/webtoons/purchases/${PURCHASE_ID}`);
      expect(res.body).toEqual(pendingPurchase());
      expect(purchases.request).toHaveBeenCalledWith(
        { id: 'u-3', roles: ['reader'] },
        SERIES_ID,
        4,
        KEY,
      );
    });

    it('answers 401 without a token, before looking at the key', async () => {
      const res = await http().post(path);
      expect(res.status).toBe(401);
      expectErrorBody(res.body, 401, 'AUTH.TOKEN_MISSING');
    });

    it.each([
      ['missing', undefined],
      ['too short', 'short'],
      ['too long', 'k'.repeat(129)],
      ['with a space', 'has a space'],
      ['with a slash', 'a/b/c/d/e/f'],
    ])('answers 400 IDEMPOTENCY_KEY.INVALID for a key %s', async (_name, key) => {
      const req = http()
        .post(path)
        .set('authorization', await bearer());
      const res = await (key === undefined ? req : req.set('idempotency-key', key));
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400, 'IDEMPOTENCY_KEY.INVALID');
      expect(purchases.request).not.toHaveBeenCalled();
    });

    it.each([
      ['IDEMPOTENCY_KEY.REUSED', 422],
      ['WEBTOON.EPISODE_FREE', 422],
      ['WEBTOON.ALREADY_OWNED', 409],
      ['WEBTOON.PURCHASE_IN_PROGRESS', 409],
      ['WEBTOON.EPISODE_NOT_FOUND', 404],
    ])("answers the service's %s as %i with its code", async (code, status) => {
      purchases.request.mockRejectedValueOnce(new DomainError(code, 'no', status));
      const res = await http()
        .post(path)
        .set('authorization', await bearer())
        .set('idempotency-key', KEY);
      expect(res.status).toBe(status);
      expectErrorBody(res.body, status, code);
      expect(res.headers.location).toBeUndefined();
    });

    it('answers 400 for a malformed series id or episode number', async () => {
      const token = await bearer();
      for (const bad of [
        '/api/webtoons/x/episodes/4/purchase',
        `/api/webtoons/${SERIES_ID}/episodes/0/purchase`,
        `/api/webtoons/${SERIES_ID}/episodes/1e3/purchase`,
      ]) {
        const res = await http().post(bad).set('authorization', token).set('idempotency-key', KEY);
        expect([bad, res.status]).toEqual([bad, 400]);
      }
      expect(purchases.request).not.toHaveBeenCalled();
    });
  });

  describe('GET /api/webtoons/purchases/:purchaseId', () => {
    it("answers the buyer's purchase", async () => {
      const res = await http()
        .get(`/api/webtoons/purchases/${PURCHASE_ID}`)
        .set('authorization', await bearer(['reader'], 'u-3'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual(pendingPurchase());
      expect(purchases.get).toHaveBeenCalledWith({ id: 'u-3', roles: ['reader'] }, PURCHASE_ID);
    });

    it('needs a token, a uuid, and answers 404 for what is not yours', async () => {
      expect((await http().get(`/api/webtoons/purchases/${PURCHASE_ID}`)).status).toBe(401);
      const token = await bearer();
      const bad = await http().get('/api/webtoons/purchases/abc').set('authorization', token);
      expect(bad.status).toBe(400);
      expectErrorBody(bad.body, 400, 'VALIDATION.INVALID_ID');
      purchases.get.mockRejectedValueOnce(
        new DomainError('WEBTOON.PURCHASE_NOT_FOUND', 'No such purchase', 404),
      );
      const other = await http()
        .get(`/api/webtoons/purchases/${PURCHASE_ID}`)
        .set('authorization', token);
      expect(other.status).toBe(404);
      expectErrorBody(other.body, 404, 'WEBTOON.PURCHASE_NOT_FOUND');
    });
  });

  describe('GET /api/webtoons/ranking', () => {
    it('is public and passes the date and limit (default 10)', async () => {
      const res = await http().get('/api/webtoons/ranking?date=2026-01-31');
      expect(res.status).toBe(200);
      expect(ranking.cachedRanking).toHaveBeenCalledWith('2026-01-31', 10);
      await http().get('/api/webtoons/ranking?limit=50');
      expect(ranking.cachedRanking).toHaveBeenLastCalledWith(undefined, 50);
    });

    it.each(['limit=51', 'limit=0', 'date=2026-13-01', 'date=31-01-2026', 'date=today', 'x=1'])(
      'answers 400 for ?%s',
      async (query) => {
        const res = await http().get(`/api/webtoons/ranking?${query}`);
        expect(res.status).toBe(400);
        expectErrorBody(res.body, 400);
        expect(ranking.cachedRanking).not.toHaveBeenCalled();
      },
    );
  });

  it('publishes its routes in the OpenAPI document', async () => {
    const res = await admin().get('/openapi.json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/webtoons',
        '/api/webtoons/{id}',
        '/api/webtoons/{id}/episodes/{no}/purchase',
        '/api/webtoons/purchases/{purchaseId}',
      ]),
    );
    for (const [path, method] of [
      ['/api/webtoons/{id}/episodes/{no}', 'get'],
      ['/api/webtoons/{id}/episodes/{no}/purchase', 'post'],
    ]) {
      expect(res.body.paths[path][method].parameters).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            name: 'no',
            in: 'path',
            schema: expect.objectContaining({ type: 'integer' }),
          }),
        ]),
      );
    }
  });

  it('serves health, metrics and its OpenAPI document on the admin port, not the public one', async () => {
    for (const path of ['/health/live', '/metrics', '/openapi.json']) {
      expect({ path, status: (await http().get(path)).status }).toEqual({ path, status: 404 });
      expect({ path, status: (await admin().get(path)).status }).toEqual({ path, status: 200 });
    }
  });
});
