import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createPlatformApp } from '@lib/platform';
import {
  userRegistered,
  waitFor,
  JwksServer,
  KafkaProbe,
  deleteTopicsWithPrefix,
  testEnvelope,
} from '@lib/platform/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { configSchema } from '../src/config';
import { AppProcess } from './support/app-process';

jest.setTimeout(120_000);

/**
 * The purchase saga end to end: webtoon in this process, the real payment service in its
 * own, the two talking only through Kafka. Topics carry a per-run prefix.
 */
describe('purchase saga: webtoon ⇄ Kafka ⇄ payment', () => {
  const run = randomUUID().slice(0, 8);
  const prefix = `it-saga-${run}.`;
  const brokers = process.env.KAFKA_BROKERS!.split(',');
  const author = randomUUID();
  let webtoon: NestFastifyApplication;
  let payment: AppProcess;
  let paymentUrl: string;
  let jwks: JwksServer;
  let publisher: KafkaProbe;

  const http = () => request(webtoon.getHttpServer());
  const bearer = async (userId: string, roles: ('reader' | 'author')[] = ['reader']) =>
    `Bearer ${await jwks.issuer.sign(userId, { roles })}`;

  const paymentGet = async (path: string, userId: string) => {
    const res = await fetch(`${paymentUrl}${path}`, {
      headers: { authorization: await bearer(userId) },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const balanceOf = async (userId: string) =>
    (await paymentGet('/api/payments/wallet', userId)).body.balance as number;
  const purchaseDebits = async (userId: string) => {
    const page = await paymentGet('/api/payments/transactions?limit=100', userId);
    return (page.body.items as { kind: string; amount: number; reference: string }[]).filter(
      (t) => t.kind === 'purchase',
    );
  };

  async function signUp(bonusTopUp = 0): Promise<string> {
    const userId = randomUUID();
    await publisher.send(userRegistered(userId));
    await waitFor(
      async () =>
        (await paymentGet('/api/payments/wallet', userId)).status === 200 ? true : undefined,
      30_000,
    );
    if (bonusTopUp > 0) {
      const res = await fetch(`${paymentUrl}/api/payments/top-ups`, {
        method: 'POST',
        headers: {
          authorization: await bearer(userId),
          'content-type': 'application/json',
          'idempotency-key': `top-up-${userId}`,
        },
        body: JSON.stringify({ amount: bonusTopUp }),
      });
      expect(res.status).toBe(201);
    }
    return userId;
  }

  async function seriesWithPaidEpisodes(prices: number[]): Promise<string> {
    const auth = await bearer(author, ['author']);
    const created = await http()
      .post('/api/webtoons')
      .set('authorization', auth)
      .send({ title: `Saga ${randomUUID()}`, genres: ['drama'] });
    for (const priceCoins of prices) {
      const res = await http()
        .post(`/api/webtoons/${created.body.id}/episodes`)
        .set('authorization', auth)
        .send({ title: 'Paid', imageUrls: ['https://cdn.example.com/p.jpg'], priceCoins });
      expect(res.status).toBe(201);
    }
    return created.body.id;
  }

  const buy = async (userId: string, seriesId: string, no: number, key = randomUUID()) =>
    http()
      .post(`/api/webtoons/${seriesId}/episodes/${no}/purchase`)
      .set('authorization', await bearer(userId))
      .set('idempotency-key', `saga-${key}`);

  /** The purchase, read with `Prefer: wait` as long as `waitSeconds` allows. */
  const read = async (userId: string, purchaseId: string, waitSeconds: number) =>
    http()
      .get(`/api/webtoons/purchases/${purchaseId}`)
      .set('authorization', await bearer(userId))
      .set('prefer', `wait=${waitSeconds}`);

  const settled = (userId: string, purchaseId: string) =>
    waitFor(async () => {
      const res = await read(userId, purchaseId, 3);
      return res.body.status === 'pending'
        ? undefined
        : (res.body as { status: string; declineReason?: string });
    }, 60_000);

  beforeAll(async () => {
    execSync('npx nx run payment:build', { cwd: resolve(__dirname, '../../..'), stdio: 'ignore' });
    jwks = await JwksServer.start();
    const env = {
      ...process.env,
      LOG_LEVEL: 'warn',
      KAFKA_TOPIC_PREFIX: prefix,
      ...jwks.env,
    };
    payment = new AppProcess('payment', { ...env, SIGNUP_BONUS_COINS: '10' });
    paymentUrl = await payment.url;
    await payment.start();
    webtoon = await createPlatformApp({
      name: 'webtoon',
      module: AppModule,
      configSchema,
      env: { ...env, PORT: '0', CONSUL_REGISTER: 'false' },
    });
    publisher = new KafkaProbe(brokers, prefix);
    await publisher.connect();
    await publisher.listen('webtoon.purchases', 'payment.purchases');
  });

  afterAll(async () => {
    await publisher?.stop();
    await webtoon?.close();
    await payment?.stop();
    await jwks?.stop();
    await deleteTopicsWithPrefix(brokers, prefix);
  });

  it('happy path: 402 before, 202 pending, debited once, completed, 200 after, 409 to buy again', async () => {
    const userId = await signUp();
    const seriesId = await seriesWithPaidEpisodes([4]);
    const auth = await bearer(userId);
    const before = await http()
      .get(`/api/webtoons/${seriesId}/episodes/1`)
      .set('authorization', auth);
    expect(before.status).toBe(402);
    expect(before.body.priceCoins).toBe(4);

    const accepted = await buy(userId, seriesId, 1);
    expect(accepted.status).toBe(202);
    expect(accepted.body.status).toBe('pending');
    // One read that waits is enough: it is answered when the purchase settles.
    const outcome = await read(userId, accepted.body.purchaseId, 3);
    expect(outcome.body.status).toBe('completed');

    const after = await http()
      .get(`/api/webtoons/${seriesId}/episodes/1`)
      .set('authorization', auth);
    expect(after.status).toBe(200);
    expect(await balanceOf(userId)).toBe(6);
    expect(await purchaseDebits(userId)).toEqual([
      expect.objectContaining({ amount: -4, reference: accepted.body.purchaseId }),
    ]);
    expect((await buy(userId, seriesId, 1)).status).toBe(409);
  });

  it('insufficient funds: declined, nothing debited, still 402', async () => {
    const userId = await signUp();
    const seriesId = await seriesWithPaidEpisodes([11]);
    const accepted = await buy(userId, seriesId, 1);
    const outcome = await settled(userId, accepted.body.purchaseId);
    expect(outcome).toMatchObject({ status: 'declined', declineReason: 'INSUFFICIENT_FUNDS' });
    expect(await balanceOf(userId)).toBe(10);
    expect(await purchaseDebits(userId)).toEqual([]);
    const read = await http()
      .get(`/api/webtoons/${seriesId}/episodes/1`)
      .set('authorization', await bearer(userId));
    expect(read.status).toBe(402);
  });

  it('20 concurrent purchases with coins for some: never negative, completed = debits', async () => {
    const userId = await signUp(20); // 10 bonus + 20 = 30 coins
    const seriesId = await seriesWithPaidEpisodes(Array.from({ length: 20 }, () => 3));
    const accepted = await Promise.all(
      Array.from({ length: 20 }, (_, i) => buy(userId, seriesId, i + 1)),
    );
    for (const res of accepted) expect(res.status).toBe(202);
    const outcomes = await Promise.all(accepted.map((res) => settled(userId, res.body.purchaseId)));
    const completed = outcomes.filter((o) => o.status === 'completed');
    const declined = outcomes.filter((o) => o.status === 'declined');
    expect(completed).toHaveLength(10);
    expect(declined.every((o) => o.declineReason === 'INSUFFICIENT_FUNDS')).toBe(true);
    expect(await balanceOf(userId)).toBe(0);
    const debits = await purchaseDebits(userId);
    expect(debits).toHaveLength(completed.length);
    const completedIds = accepted
      .filter((_, i) => outcomes[i].status === 'completed')
      .map((res) => res.body.purchaseId as string)
      .sort();
    expect(debits.map((d) => d.reference).sort()).toEqual(completedIds);
  });

  it('duplicate delivery of request and result events: no second debit, no second grant', async () => {
    const userId = await signUp();
    const seriesId = await seriesWithPaidEpisodes([2]);
    const accepted = await buy(userId, seriesId, 1);
    const purchaseId: string = accepted.body.purchaseId;
    expect((await settled(userId, purchaseId)).status).toBe('completed');
    const ofPurchase = (type: string) =>
      publisher.received.filter(
        (e) => e.type === type && (e.data as { purchaseId: string }).purchaseId === purchaseId,
      );
    const requested = await waitFor(
      async () => ofPurchase('webtoon.purchase.requested.v1')[0],
      30_000,
    );
    const succeeded = await waitFor(
      async () => ofPurchase('payment.purchase.succeeded.v1')[0],
      30_000,
    );

    // The very same envelopes again (a redelivery), then a new event for the same purchase,
    // which payment answers by repeating its outcome: seeing that answer means the repeats,
    // earlier on the same partition, were consumed.
    await publisher.send(
      requested,
      succeeded,
      requested,
      testEnvelope('webtoon.purchase.requested.v1', requested.data as never),
    );
    await waitFor(
      async () => (ofPurchase('payment.purchase.succeeded.v1').length >= 2 ? true : undefined),
      30_000,
    );
    const replay = ofPurchase('payment.purchase.succeeded.v1')[1];
    const db = webtoon.get(DataSource);
    await waitFor(async () => {
      const [row] = await db.query(
        `SELECT count(*)::int AS n FROM processed_events WHERE event_id = $1`,
        [replay.id],
      );
      return row.n === 1 ? true : undefined;
    }, 30_000);

    expect(await balanceOf(userId)).toBe(8);
    expect(await purchaseDebits(userId)).toHaveLength(1);
    const grants = await db.query(
      `SELECT count(*)::int AS n FROM entitlements WHERE user_id = $1`,
      [userId],
    );
    expect(grants[0].n).toBe(1);
  });

  it('payment stopped while purchases queue up: all settle once it is back', async () => {
    const userId = await signUp();
    const seriesId = await seriesWithPaidEpisodes([1, 1, 1, 1, 1]);
    await payment.stop();
    const accepted = await Promise.all([1, 2, 3, 4, 5].map((no) => buy(userId, seriesId, no)));
    for (const res of accepted) expect(res.status).toBe(202);
    // Nothing settles them: each read that asked to wait a second is answered pending after it.
    const asked = performance.now();
    const meanwhile = await Promise.all(
      accepted.map((res) => read(userId, res.body.purchaseId, 1)),
    );
    expect(performance.now() - asked).toBeGreaterThanOrEqual(950);
    expect(meanwhile.map((res) => res.body.status)).toEqual(Array(5).fill('pending'));
    await payment.start();
    const outcomes = await Promise.all(accepted.map((res) => settled(userId, res.body.purchaseId)));
    expect(outcomes.map((o) => o.status)).toEqual(Array(5).fill('completed'));
    expect(await balanceOf(userId)).toBe(5);
    expect(await purchaseDebits(userId)).toHaveLength(5);
  });
});
