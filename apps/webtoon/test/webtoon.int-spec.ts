import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { OutboxPublisher } from '@lib/platform/postgres';
import {
  waitFor,
  testEnvelope,
  startServiceTestApp,
  expectHealthAndMetrics,
  type JwksServer,
  type KafkaProbe,
  type ServiceTestApp,
} from '@lib/platform/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { configSchema } from '../src/config';
import { EpisodesRepository } from '../src/episodes/episodes.repository';
import { SEED_SERIES } from '../src/seed/seed-data';
import { seedCatalogue } from '../src/seed/seeder';
import { SeriesRepository } from '../src/series/series.repository';
import { ViewCounter } from '../src/views/view-counter';

jest.setTimeout(60_000);

/**
 * webtoon over HTTP and Kafka against the dev stack. Payment's answers are published by the
 * test itself here (apps/webtoon/test/purchase-saga.int-spec.ts runs the real payment).
 */
describe('webtoon service (PostgreSQL + Kafka)', () => {
  const run = randomUUID().slice(0, 8);
  const prefix = `it-webtoon-${run}.`;
  let service: ServiceTestApp;
  let app: NestFastifyApplication;
  let db: DataSource;
  let jwks: JwksServer;
  let publisher: KafkaProbe;

  const http = () => service.http();
  const author = randomUUID();
  const otherAuthor = randomUUID();
  const reader = randomUUID();
  const token = (userId: string, roles: ('reader' | 'author' | 'admin')[] = ['reader']) =>
    jwks.issuer.sign(userId, { roles }).then((t) => `Bearer ${t}`);

  async function createSeries(body: Record<string, unknown> = {}): Promise<string> {
    const res = await http()
      .post('/api/webtoons')
      .set('authorization', await token(author, ['author']))
      .send({ title: `Series ${randomUUID()}`, genres: ['fantasy'], ...body });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function addEpisode(seriesId: string, priceCoins: number): Promise<number> {
    const res = await http()
      .post(`/api/webtoons/${seriesId}/episodes`)
      .set('authorization', await token(author, ['author']))
      .send({ title: 'An episode', imageUrls: ['https://cdn.example.com/1.jpg'], priceCoins });
    expect(res.status).toBe(201);
    return res.body.no;
  }

  beforeAll(async () => {
    service = await startServiceTestApp({
      name: 'webtoon',
      module: AppModule,
      configSchema,
      topicPrefix: prefix,
      env: { SEED_DATA: 'true', VIEW_FLUSH_INTERVAL_MS: '60000' },
      listen: ['webtoon.episodes', 'webtoon.purchases'],
    });
    ({ app, jwks, probe: publisher } = service);
    db = app.get(DataSource);
  });

  afterAll(async () => {
    await service?.close();
  });

  it('serves the seed catalogue, and seeding again adds nothing', async () => {
    const seed = SEED_SERIES[0];
    const res = await http().get(`/api/webtoons/${seed.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: seed.id,
      title: seed.title,
      episodeCount: seed.episodes.length,
    });
    const again = await db.transaction((tx) =>
      seedCatalogue(tx, new SeriesRepository(), new EpisodesRepository(), app.get(OutboxPublisher)),
    );
    expect(again).toEqual({ series: 0, episodes: 0 });
  });

  it('answers health and metrics without a token (Consul and Prometheus send none)', () =>
    expectHealthAndMetrics(service, { postgres: 'up', kafka: 'up' }));

  it('lets authors create series and publish episodes of their own series only', async () => {
    const reject = await http()
      .post('/api/webtoons')
      .set('authorization', await token(reader))
      .send({ title: 'Nope', genres: ['drama'] });
    expect(reject.status).toBe(403);
    expect(
      (
        await http()
          .post('/api/webtoons')
          .send({ title: 'x', genres: ['a'] })
      ).status,
    ).toBe(401);

    const seriesId = await createSeries({ genres: ['sci-fi', 'drama'], synopsis: 'Space.' });
    const foreign = await http()
      .post(`/api/webtoons/${seriesId}/episodes`)
      .set('authorization', await token(otherAuthor, ['author']))
      .send({ title: 'Hijack', imageUrls: ['https://cdn.example.com/x.jpg'] });
    expect(foreign.status).toBe(403);
    const rename = await http()
      .patch(`/api/webtoons/${seriesId}`)
      .set('authorization', await token(otherAuthor, ['author']))
      .send({ title: 'Mine now' });
    expect(rename.status).toBe(403);

    expect(await addEpisode(seriesId, 0)).toBe(1);
    expect(await addEpisode(seriesId, 3)).toBe(2);
    const taken = await http()
      .post(`/api/webtoons/${seriesId}/episodes`)
      .set('authorization', await token(author, ['author']))
      .send({ no: 2, title: 'Again', imageUrls: ['https://cdn.example.com/1.jpg'] });
    expect(taken.status).toBe(409);

    const published = await waitFor(
      async () =>
        publisher.received.find(
          (e) =>
            e.type === 'webtoon.episode.published.v1' &&
            e.data.webtoonId === seriesId &&
            e.data.episodeNo === 2,
        ),
      30_000,
    );
    expect(published.data).toMatchObject({ priceCoins: 3, authorId: author });

    // The author's own write is visible at once (the cache entry was invalidated).
    const series = await http().get(`/api/webtoons/${seriesId}`);
    expect(series.body).toMatchObject({ episodeCount: 2, genres: ['sci-fi', 'drama'] });
    const episodes = await http().get(`/api/webtoons/${seriesId}/episodes`);
    expect(episodes.body).toMatchObject({ total: 2, page: 1 });
    expect(
      episodes.body.items.map((e: { no: number; priceCoins: number }) => [e.no, e.priceCoins]),
    ).toEqual([
      [1, 0],
      [2, 3],
    ]);
  });

  it('validates input: ids, paging bounds, bodies, search patterns', async () => {
    for (const path of [
      '/api/webtoons/not-a-uuid',
      '/api/webtoons?limit=51',
      '/api/webtoons?page=0',
      '/api/webtoons?limit=1e3',
      '/api/webtoons?genre=Drop%20Table',
      '/api/webtoons?genre[$ne]=x',
      `/api/webtoons/${SEED_SERIES[0].id}/episodes/abc`,
      `/api/webtoons/${SEED_SERIES[0].id}/episodes/0`,
      `/api/webtoons/${SEED_SERIES[0].id}/episodes/99999999999`,
      '/api/webtoons/ranking?date=2026-02-30',
      '/api/webtoons/ranking?limit=500',
    ]) {
      const res = await http().get(path);
      expect([path, res.status]).toEqual([path, 400]);
      expect(res.body).toMatchObject({ statusCode: 400, requestId: expect.any(String) });
    }
    expect((await http().get(`/api/webtoons/${randomUUID()}`)).status).toBe(404);
    expect((await http().get(`/api/webtoons/${SEED_SERIES[0].id}/episodes/999`)).status).toBe(404);
    const bad = await http()
      .post('/api/webtoons')
      .set('authorization', await token(author, ['author']))
      .send({ title: '', genres: [], thumbnailUrl: 'javascript:alert(1)' });
    expect(bad.status).toBe(400);
    // LIKE wildcards in q are literal characters.
    const wild = await http().get('/api/webtoons?q=%25');
    expect(wild.status).toBe(200);
    expect(wild.body.total).toBe(0);
  });

  it('searches by title and genre, paged', async () => {
    const word = `Zq${run}`;
    const a = await createSeries({ title: `The ${word} Saga`, genres: ['horror'] });
    const b = await createSeries({ title: `${word.toLowerCase()} returns`, genres: ['comedy'] });
    const byTitle = await http().get(`/api/webtoons?q=${word.toUpperCase()}`);
    expect(byTitle.body.items.map((s: { id: string }) => s.id).sort()).toEqual([a, b].sort());
    const byBoth = await http().get(`/api/webtoons?q=${word}&genre=horror`);
    expect(byBoth.body.items.map((s: { id: string }) => s.id)).toEqual([a]);
    const paged = await http().get(`/api/webtoons?q=${word}&limit=1&page=2`);
    expect(paged.body).toMatchObject({ total: 2, page: 2, limit: 1 });
    expect(paged.body.items).toHaveLength(1);
  });

  it('answers repeated reads from cache with an ETag, and 304 when it still matches', async () => {
    const id = SEED_SERIES[1].id;
    const first = await http().get(`/api/webtoons/${id}`);
    expect(first.headers.etag).toMatch(/^W\/"/);
    expect(first.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
    const second = await http().get(`/api/webtoons/${id}`).set('if-none-match', first.headers.etag);
    expect(second.status).toBe(304);
    expect(second.text).toBe('');
  });

  it('reads free episodes for anyone and paid ones only for owners (402 with the price)', async () => {
    const seed = SEED_SERIES[0];
    const free = seed.episodes.find((e) => e.priceCoins === 0)!;
    const paid = seed.episodes.find((e) => e.priceCoins > 0)!;
    const ok = await http().get(`/api/webtoons/${seed.id}/episodes/${free.no}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ no: free.no, priceCoins: 0, imageUrls: expect.any(Array) });

    const anonymous = await http().get(`/api/webtoons/${seed.id}/episodes/${paid.no}`);
    expect(anonymous.status).toBe(402);
    expect(anonymous.body).toMatchObject({
      code: 'WEBTOON.PAYMENT_REQUIRED',
      priceCoins: paid.priceCoins,
    });
    expect(anonymous.body.imageUrls).toBeUndefined();
    const signedIn = await http()
      .get(`/api/webtoons/${seed.id}/episodes/${paid.no}`)
      .set('authorization', await token(reader));
    expect(signedIn.status).toBe(402);
  });

  it('counts views in memory, flushes them in one write, and ranks the day by them', async () => {
    const seriesId = await createSeries({ title: `Viewed ${run}` });
    await addEpisode(seriesId, 0);
    await Promise.all(
      Array.from({ length: 25 }, () => http().get(`/api/webtoons/${seriesId}/episodes/1`)),
    );
    const [before] = await db.query(`SELECT view_count::int AS n FROM series WHERE id = $1`, [
      seriesId,
    ]);
    expect(before.n).toBe(0);
    await app.get(ViewCounter).flush();
    const [after] = await db.query(`SELECT view_count::int AS n FROM series WHERE id = $1`, [
      seriesId,
    ]);
    expect(after.n).toBe(25);
    const [episode] = await db.query(
      `SELECT view_count::int AS n FROM episodes WHERE series_id = $1 AND no = 1`,
      [seriesId],
    );
    expect(episode.n).toBe(25);
    const ranking = await http().get('/api/webtoons/ranking?limit=50');
    expect(ranking.status).toBe(200);
    expect(ranking.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ webtoonId: seriesId, views: 25 })]),
    );
  });

  it('purchases: 202 pending + requested event; same key → same purchase; settled by payment events once', async () => {
    const seriesId = await createSeries();
    await addEpisode(seriesId, 0);
    const paidNo = await addEpisode(seriesId, 5);
    const auth = await token(reader);
    const key = `buy-${randomUUID()}`;
    const buy = (no = paidNo, idempotencyKey = key) =>
      http()
        .post(`/api/webtoons/${seriesId}/episodes/${no}/purchase`)
        .set('authorization', auth)
        .set('idempotency-key', idempotencyKey);

    expect(
      (
        await http()
          .post(`/api/webtoons/${seriesId}/episodes/${paidNo}/purchase`)
          .set('idempotency-key', key)
      ).status,
    ).toBe(401);
    expect((await buy(paidNo, '')).status).toBe(400);
    expect((await buy(1, `free-${randomUUID()}`)).status).toBe(422);

    const [first, retry] = await Promise.all([buy(), buy()]);
    expect(first.status).toBe(202);
    expect(retry.status).toBe(202);
    expect(first.body).toMatchObject({ status: 'pending', priceCoins: 5, episodeNo: paidNo });
    expect(retry.body.purchaseId).toBe(first.body.purchaseId);
    expect(first.headers.location).toBe(`/api/webtoons/purchases/${first.body.purchaseId}`);
    expect((await buy(1)).status).toBe(422); // same key, another episode
    expect((await buy(paidNo, `other-${randomUUID()}`)).status).toBe(409); // already in progress

    const purchaseId: string = first.body.purchaseId;
    const requested = await waitFor(
      async () =>
        publisher.received.find(
          (e) => e.type === 'webtoon.purchase.requested.v1' && e.data.purchaseId === purchaseId,
        ),
      30_000,
    );
    expect(requested.data).toEqual({
      purchaseId,
      userId: reader,
      webtoonId: seriesId,
      episodeNo: paidNo,
      priceCoins: 5,
    });

    const other = await http()
      .get(`/api/webtoons/purchases/${purchaseId}`)
      .set('authorization', await token(randomUUID()));
    expect(other.status).toBe(404);

    // Payment's answer, delivered twice with the same id and once more with a new id.
    const succeeded = testEnvelope('payment.purchase.succeeded.v1', {
      purchaseId,
      userId: reader,
      amountCoins: 5,
      transactionId: randomUUID(),
      balanceAfter: 95,
    });
    await publisher.send(
      succeeded,
      succeeded,
      testEnvelope('payment.purchase.succeeded.v1', succeeded.data),
    );
    const done = await waitFor(async () => {
      const res = await http()
        .get(`/api/webtoons/purchases/${purchaseId}`)
        .set('authorization', auth);
      return res.body.status === 'completed' ? res.body : undefined;
    }, 30_000);
    expect(done).toMatchObject({ purchaseId, settledAt: expect.any(String) });
    const read = await http()
      .get(`/api/webtoons/${seriesId}/episodes/${paidNo}`)
      .set('authorization', auth);
    expect(read.status).toBe(200);
    expect(read.headers['cache-control']).toBe('private, no-cache');
    expect((await buy(paidNo, `again-${randomUUID()}`)).status).toBe(409);
    const again = await buy();
    expect(again.body).toMatchObject({ purchaseId, status: 'completed' });
    // A late decline for a completed purchase changes nothing.
    await publisher.send(
      testEnvelope('payment.purchase.declined.v1', {
        purchaseId,
        userId: reader,
        amountCoins: 5,
        reason: 'INSUFFICIENT_FUNDS',
      }),
    );
    await waitFor(async () => {
      const [row] = await db.query(
        `SELECT count(*)::int AS n FROM processed_events WHERE event_type = 'payment.purchase.declined.v1'`,
      );
      return row.n >= 1 ? true : undefined;
    }, 30_000);
    const grants = await db.query(
      `SELECT count(*)::int AS n FROM entitlements WHERE purchase_id = $1`,
      [purchaseId],
    );
    expect(grants[0].n).toBe(1);
    const final = await http()
      .get(`/api/webtoons/purchases/${purchaseId}`)
      .set('authorization', auth);
    expect(final.body.status).toBe('completed');
  });

  it('marks a purchase declined with the reason, and allows buying again afterwards', async () => {
    const seriesId = await createSeries();
    const paidNo = await addEpisode(seriesId, 7);
    const auth = await token(reader);
    const first = await http()
      .post(`/api/webtoons/${seriesId}/episodes/${paidNo}/purchase`)
      .set('authorization', auth)
      .set('idempotency-key', `d-${randomUUID()}`);
    await publisher.send(
      testEnvelope('payment.purchase.declined.v1', {
        purchaseId: first.body.purchaseId,
        userId: reader,
        amountCoins: 7,
        reason: 'INSUFFICIENT_FUNDS',
      }),
    );
    const declined = await waitFor(async () => {
      const res = await http()
        .get(`/api/webtoons/purchases/${first.body.purchaseId}`)
        .set('authorization', auth);
      return res.body.status === 'declined' ? res.body : undefined;
    }, 30_000);
    expect(declined.declineReason).toBe('INSUFFICIENT_FUNDS');
    expect(
      (await http().get(`/api/webtoons/${seriesId}/episodes/${paidNo}`).set('authorization', auth))
        .status,
    ).toBe(402);
    const retry = await http()
      .post(`/api/webtoons/${seriesId}/episodes/${paidNo}/purchase`)
      .set('authorization', auth)
      .set('idempotency-key', `d-${randomUUID()}`);
    expect(retry.status).toBe(202);
    expect(retry.body.purchaseId).not.toBe(first.body.purchaseId);
  });

  it('a deleted account: its still-valid token buys nothing (401), and its data is unlinked from it', async () => {
    const leaving = randomUUID();
    const seriesRes = await http()
      .post('/api/webtoons')
      .set('authorization', await token(leaving, ['author']))
      .send({ title: `Leaving ${randomUUID()}`, genres: ['drama'] });
    expect(seriesRes.status).toBe(201);
    const seriesId: string = seriesRes.body.id;
    // Someone else's paid episode, which the leaving reader buys.
    const onSale = await createSeries();
    const paidNo = await addEpisode(onSale, 3);
    const auth = await token(leaving);
    const buy = () =>
      http()
        .post(`/api/webtoons/${onSale}/episodes/${paidNo}/purchase`)
        .set('authorization', auth)
        .set('idempotency-key', `gone-${randomUUID()}`);
    const before = await buy();
    expect(before.status).toBe(202);
    const buyAgain = () =>
      http()
        .post(`/api/webtoons/${seriesId}/episodes/1/purchase`)
        .set('authorization', auth)
        .set('idempotency-key', `gone-${randomUUID()}`);

    await publisher.send(
      testEnvelope('auth.user.deleted.v1', {
        userId: leaving,
        deletedAt: new Date().toISOString(),
      }),
    );
    const refused = await waitFor(async () => {
      const res = await buyAgain();
      return res.status === 401 ? res : undefined;
    }, 30_000);
    expect(refused.body).toMatchObject({
      code: 'AUTH.ACCOUNT_DELETED',
      requestId: expect.any(String),
    });
    // Reading still works until the token expires.
    expect((await http().get(`/api/webtoons/${seriesId}`).set('authorization', auth)).status).toBe(
      200,
    );
    // Nothing of webtoon's names the person any more: purchases and the series moved to one
    // fresh id.
    const [left] = await db.query(
      `SELECT (SELECT count(*) FROM purchases WHERE user_id = $1) AS purchases,
              (SELECT count(*) FROM series WHERE author_id = $1) AS series,
              (SELECT author_id FROM series WHERE id = $2) AS author,
              (SELECT user_id FROM purchases WHERE id = $3) AS buyer`,
      [leaving, seriesId, before.body.purchaseId],
    );
    expect(left).toMatchObject({ purchases: '0', series: '0' });
    expect(left.author).toBe(left.buyer);
    expect(left.author).not.toBe(leaving);
  });
});
