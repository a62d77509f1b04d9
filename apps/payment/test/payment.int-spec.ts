import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createPlatformApp } from '@lib/platform';
import {
  userRegistered,
  waitFor,
  withDatabase,
  startServiceTestApp,
  expectHealthAndMetrics,
  JwksServer,
  KafkaProbe,
  deleteTopicsWithPrefix,
  testEnvelope,
  type ServiceTestApp,
} from '@lib/platform/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { configSchema } from '../src/config';
import {
  CardProvider,
  CardProviderUnavailableError,
  DECLINING_TEST_CARD,
} from '../src/top-ups/card-provider';
import { LedgerRepository, type Posting } from '../src/wallets/ledger.repository';

/**
 * payment over HTTP and Kafka against the dev stack. Topics carry a per-run prefix, so the
 * events of this run are the only ones its consumer group sees.
 */
jest.setTimeout(60_000);

describe('payment service (PostgreSQL + Kafka)', () => {
  const run = randomUUID().slice(0, 8);
  const prefix = `it-payment-${run}.`;
  let service: ServiceTestApp;
  let app: NestFastifyApplication;
  let db: DataSource;
  let jwks: JwksServer;
  let publisher: KafkaProbe;

  const http = () => service.http();
  const bearer = async (userId: string) => `Bearer ${await jwks.issuer.sign(userId)}`;

  async function registeredUser(): Promise<string> {
    const userId = randomUUID();
    await publisher.send(userRegistered(userId));
    const auth = await bearer(userId);
    await waitFor(async () => {
      const res = await http().get('/api/payments/wallet').set('authorization', auth);
      return res.status === 200 ? true : undefined;
    }, 30_000);
    return userId;
  }

  const outcome = (purchaseId: string) =>
    waitFor(
      async () =>
        publisher.received.find(
          (e) =>
            e.type.startsWith('payment.purchase.') &&
            (e.data as { purchaseId: string }).purchaseId === purchaseId,
        ),
      30_000,
    );

  beforeAll(async () => {
    service = await startServiceTestApp({
      name: 'payment',
      module: AppModule,
      configSchema,
      topicPrefix: prefix,
      env: { SIGNUP_BONUS_COINS: '100', WALLET_WAIT_SECONDS: '12' },
      listen: ['payment.purchases', 'payment.wallets'],
    });
    ({ app, jwks, probe: publisher } = service);
    db = app.get(DataSource);
  });

  afterAll(async () => {
    await service?.close();
  });

  it('opens a wallet with the signup bonus, booked in the ledger, and announces it', async () => {
    const userId = await registeredUser();
    const auth = await bearer(userId);
    const wallet = await http().get('/api/payments/wallet').set('authorization', auth);
    expect(wallet.body).toMatchObject({ userId, balance: 100, status: 'open' });

    const page = await http().get('/api/payments/transactions').set('authorization', auth);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ page: 1, limit: 20, total: 1 });
    expect(page.body.items[0]).toMatchObject({
      kind: 'signup_bonus',
      amount: 100,
      balanceAfter: 100,
    });

    const opened = await waitFor(
      async () =>
        publisher.received.find(
          (e) => e.type === 'payment.wallet.opened.v1' && e.data.userId === userId,
        ),
      30_000,
    );
    expect(opened.data).toMatchObject({ userId, balance: 100 });
  });

  it('answers health and metrics without a token (Consul and Prometheus send none)', () =>
    expectHealthAndMetrics(service, { postgres: 'up', kafka: 'up' }));

  it('rejects requests without a valid token, and bad paging', async () => {
    expect((await http().get('/api/payments/wallet')).status).toBe(401);
    expect(
      (await http().get('/api/payments/wallet').set('authorization', 'Bearer not.a.token')).status,
    ).toBe(401);
    const auth = await bearer(randomUUID());
    expect((await http().get('/api/payments/wallet').set('authorization', auth)).status).toBe(404);
    const userId = await registeredUser();
    for (const query of ['limit=1000', 'page=0', 'page=abc', 'limit[$gt]=1']) {
      const res = await http()
        .get(`/api/payments/transactions?${query}`)
        .set('authorization', await bearer(userId));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, requestId: expect.any(String) });
    }
  });

  it('tops up once per Idempotency-Key: same body → same result, other body → 422', async () => {
    const userId = await registeredUser();
    const auth = await bearer(userId);
    const key = `topup-${randomUUID()}`;
    const topUp = (body: object, idempotencyKey = key) =>
      http()
        .post('/api/payments/top-ups')
        .set('authorization', auth)
        .set('idempotency-key', idempotencyKey)
        .send(body);

    // Concurrent retries of one request: exactly one credit.
    const first = await Promise.all([
      topUp({ amount: 50 }),
      topUp({ amount: 50 }),
      topUp({ amount: 50 }),
    ]);
    for (const res of first) expect(res.status).toBe(201);
    expect(new Set(first.map((res) => res.body.topUpId)).size).toBe(1);
    expect(first[0].body).toMatchObject({ status: 'succeeded', amount: 50, balanceAfter: 150 });

    const again = await topUp({ amount: 50 });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first[0].body);

    const other = await topUp({ amount: 60 });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY.REUSED');

    const wallet = await http().get('/api/payments/wallet').set('authorization', auth);
    expect(wallet.body.balance).toBe(150);

    expect((await topUp({ amount: 10 }, 'short')).status).toBe(400);
    expect((await topUp({ amount: 0 }, `k-${randomUUID()}`)).status).toBe(400);
    expect((await topUp({ amount: '10' }, `k-${randomUUID()}`)).status).toBe(400);
    expect((await topUp({ amount: 10, extra: 1 }, `k-${randomUUID()}`)).status).toBe(400);
    expect(
      (await topUp({ amount: 10, cardNumber: '4242424242424241' }, `k-${randomUUID()}`)).status,
    ).toBe(400);
    expect((await topUp({ amount: 100_001 }, `k-${randomUUID()}`)).status).toBe(422);
  });

  it('declines the test card, and answers a retry with the same decline', async () => {
    const userId = await registeredUser();
    const auth = await bearer(userId);
    const key = `declined-${randomUUID()}`;
    const send = () =>
      http()
        .post('/api/payments/top-ups')
        .set('authorization', auth)
        .set('idempotency-key', key)
        .send({ amount: 30, cardNumber: DECLINING_TEST_CARD });
    const declined = await send();
    expect(declined.status).toBe(402);
    expect(declined.body).toMatchObject({
      code: 'PAYMENT.CARD_DECLINED',
      topUpId: expect.any(String),
    });
    const retried = await send();
    expect(retried.status).toBe(402);
    expect(retried.body.topUpId).toBe(declined.body.topUpId);
    const wallet = await http().get('/api/payments/wallet').set('authorization', auth);
    expect(wallet.body.balance).toBe(100);
    // The refused charge is a `failed` record with its reason, and nothing was booked for it.
    expect(await topUpRecord(declined.body.topUpId)).toEqual({
      status: 'failed',
      failure_reason: 'CARD_DECLINED',
      card_last4: '0002',
      transaction_id: null,
      bookings: '0',
    });
  });

  const topUpRecord = async (topUpId: string) => {
    const [row] = await db.query(
      `SELECT status, failure_reason, card_last4, transaction_id,
              (SELECT count(*) FROM ledger_transactions WHERE kind = 'top_up' AND reference = $1::text) AS bookings
       FROM top_ups WHERE id = $1::uuid`,
      [topUpId],
    );
    return row as Record<string, string | null>;
  };

  it('never charges twice: a retry after an approved charge whose credit failed books that charge once', async () => {
    const userId = await registeredUser();
    const auth = await bearer(userId);
    const key = `crash-${randomUUID()}`;
    const send = () =>
      http()
        .post('/api/payments/top-ups')
        .set('authorization', auth)
        .set('idempotency-key', key)
        .send({ amount: 77 });
    const provider = app.get(CardProvider);
    const ledger = app.get(LedgerRepository);
    const post = ledger.post.bind(ledger);
    // The database goes away between the approved charge and the credit (the case:
    // the old code rolled the claim back with it, and the retry charged the card again).
    let failCredit = true;
    const spy = jest.spyOn(ledger, 'post').mockImplementation(async (tx, posting: Posting) => {
      if (failCredit && posting.kind === 'top_up' && posting.amount === 77) {
        failCredit = false;
        throw new Error('connection terminated unexpectedly');
      }
      return post(tx, posting);
    });
    try {
      const charged = provider.chargeCounts().approved;
      const crashed = await send();
      expect(crashed.status).toBe(500);
      const [pending] = await db.query(
        `SELECT id, status FROM top_ups WHERE user_id = $1 AND idempotency_key = $2`,
        [userId, key],
      );
      expect(pending.status).toBe('pending');
      expect(provider.chargeCounts().approved).toBe(charged + 1);

      const retried = await Promise.all([send(), send()]);
      for (const res of retried) {
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ topUpId: pending.id, amount: 77, balanceAfter: 177 });
      }
      // The provider answered the retries from its record of the top-up id: no new charge.
      expect(provider.chargeCounts().approved).toBe(charged + 1);
      expect(await topUpRecord(pending.id)).toMatchObject({
        status: 'succeeded',
        card_last4: '4242',
        bookings: '1',
      });
      const wallet = await http().get('/api/payments/wallet').set('authorization', auth);
      expect(wallet.body.balance).toBe(177);
    } finally {
      spy.mockRestore();
    }
  });

  it('keeps the top-up pending when the provider does not answer (503), and the retry resolves it', async () => {
    const userId = await registeredUser();
    const auth = await bearer(userId);
    const key = `timeout-${randomUUID()}`;
    const send = () =>
      http()
        .post('/api/payments/top-ups')
        .set('authorization', auth)
        .set('idempotency-key', key)
        .send({ amount: 12 });
    const provider = app.get(CardProvider);
    const spy = jest
      .spyOn(provider, 'charge')
      .mockRejectedValueOnce(new CardProviderUnavailableError('timed out'));
    try {
      const unanswered = await send();
      expect(unanswered.status).toBe(503);
      expect(unanswered.headers['retry-after']).toBe('5');
      expect(unanswered.body).toMatchObject({
        code: 'PAYMENT.PROVIDER_UNAVAILABLE',
        topUpId: expect.any(String),
      });
      expect(await topUpRecord(unanswered.body.topUpId)).toMatchObject({
        status: 'pending',
        bookings: '0',
      });
      const balance = await http().get('/api/payments/wallet').set('authorization', auth);
      expect(balance.body.balance).toBe(100);

      const retried = await send();
      expect(retried.status).toBe(201);
      expect(retried.body).toMatchObject({ topUpId: unanswered.body.topUpId, balanceAfter: 112 });
      expect(spy.mock.calls.map(([request]) => request.idempotencyKey)).toEqual([
        unanswered.body.topUpId,
        unanswered.body.topUpId,
      ]);
    } finally {
      spy.mockRestore();
    }
  });

  it('settles a purchase once: debit or decline, never twice, never below zero', async () => {
    const userId = await registeredUser();
    const paid = testEnvelope('webtoon.purchase.requested.v1', {
      purchaseId: randomUUID(),
      userId,
      webtoonId: randomUUID(),
      episodeNo: 1,
      priceCoins: 60,
    });
    // The same event delivered twice, and the same purchase asked for again in a new event.
    const repeatedPurchase = testEnvelope('webtoon.purchase.requested.v1', paid.data);
    await publisher.send(paid, paid, repeatedPurchase);
    const succeeded = await outcome(paid.data.purchaseId);
    expect(succeeded.type).toBe('payment.purchase.succeeded.v1');
    expect(succeeded.data).toMatchObject({ amountCoins: 60, balanceAfter: 40 });

    const tooDear = testEnvelope('webtoon.purchase.requested.v1', {
      ...paid.data,
      purchaseId: randomUUID(),
      priceCoins: 41,
    });
    await publisher.send(tooDear);
    const declined = await outcome(tooDear.data.purchaseId);
    expect(declined.type).toBe('payment.purchase.declined.v1');
    expect(declined.data).toMatchObject({ reason: 'INSUFFICIENT_FUNDS', amountCoins: 41 });

    const nobody = testEnvelope('webtoon.purchase.requested.v1', {
      ...paid.data,
      userId: randomUUID(),
      purchaseId: randomUUID(),
    });
    await publisher.send(nobody);
    expect((await outcome(nobody.data.purchaseId)).data).toMatchObject({
      reason: 'WALLET_NOT_FOUND',
    });

    // Let the repeats arrive, then count: one debit, the same answer each time.
    await waitFor(async () => {
      const [row] = await db.query(
        `SELECT count(*)::int AS n FROM processed_events WHERE event_id = $1`,
        [repeatedPurchase.id],
      );
      return row.n === 1 ? true : undefined;
    }, 30_000);
    const debits = await db.query(
      `SELECT count(*)::int AS n FROM ledger_transactions WHERE kind = 'purchase' AND reference = $1`,
      [paid.data.purchaseId],
    );
    expect(debits[0].n).toBe(1);
    const wallet = await http()
      .get('/api/payments/wallet')
      .set('authorization', await bearer(userId));
    expect(wallet.body.balance).toBe(40);
  });

  it('the database itself refuses a negative balance, an unbalanced transaction and ledger edits', async () => {
    const userId = await registeredUser();
    const [wallet] = await db.query(`SELECT id FROM wallets WHERE user_id = $1`, [userId]);
    await expect(
      db.query(`UPDATE wallets SET balance = -1 WHERE id = $1`, [wallet.id]),
    ).rejects.toThrow(/wallets_balance_not_negative/);
    await expect(
      db.transaction(async (tx) => {
        const id = randomUUID();
        await tx.query(
          `INSERT INTO ledger_transactions (id, kind, reference) VALUES ($1, 'purchase', $2)`,
          [id, id],
        );
        await tx.query(
          `INSERT INTO ledger_entries (transaction_id, account, wallet_id, amount) VALUES ($1, 'wallet', $2, -101)`,
          [id, wallet.id],
        );
        await tx.query(
          `INSERT INTO ledger_entries (transaction_id, account, amount) VALUES ($1, 'system:episode_sales', 101)`,
          [id],
        );
      }),
    ).rejects.toThrow(/wallets_balance_not_negative/);
    await expect(
      db.transaction(async (tx) => {
        const id = randomUUID();
        await tx.query(
          `INSERT INTO ledger_transactions (id, kind, reference) VALUES ($1, 'top_up', $2)`,
          [id, id],
        );
        await tx.query(
          `INSERT INTO ledger_entries (transaction_id, account, wallet_id, amount) VALUES ($1, 'wallet', $2, 5)`,
          [id, wallet.id],
        );
      }),
    ).rejects.toThrow(/does not balance/);
    await expect(
      db.query(`UPDATE ledger_entries SET amount = 1000 WHERE wallet_id = $1`, [wallet.id]),
    ).rejects.toThrow(/append-only/);
    const [after] = await db.query(`SELECT balance::int AS balance FROM wallets WHERE id = $1`, [
      wallet.id,
    ]);
    expect(after.balance).toBe(100);
  });

  it('closes the wallet when the account is deleted: no more top-ups or debits', async () => {
    const userId = await registeredUser();
    await publisher.send(
      testEnvelope('auth.user.deleted.v1', { userId, deletedAt: new Date().toISOString() }),
    );
    const auth = await bearer(userId);
    await waitFor(async () => {
      const res = await http().get('/api/payments/wallet').set('authorization', auth);
      return res.body.status === 'closed' ? true : undefined;
    }, 30_000);
    // The deleted account's access token is still valid, but changes nothing: the guard
    // refuses it (401) before the closed wallet would (409); reading still works.
    const topUp = await http()
      .post('/api/payments/top-ups')
      .set('authorization', auth)
      .set('idempotency-key', `closed-${randomUUID()}`)
      .send({ amount: 10 });
    expect(topUp.status).toBe(401);
    expect(topUp.body).toMatchObject({
      code: 'AUTH.ACCOUNT_DELETED',
      requestId: expect.any(String),
    });
    expect((await http().get('/api/payments/wallet').set('authorization', auth)).status).toBe(200);
    const purchase = testEnvelope('webtoon.purchase.requested.v1', {
      purchaseId: randomUUID(),
      userId,
      webtoonId: randomUUID(),
      episodeNo: 1,
      priceCoins: 1,
    });
    await publisher.send(purchase);
    expect((await outcome(purchase.data.purchaseId)).data).toMatchObject({
      reason: 'WALLET_CLOSED',
    });
  });

  it('refunds a debit once when its purchase expired, and shows both in the history', async () => {
    const userId = await registeredUser();
    const requested = testEnvelope('webtoon.purchase.requested.v1', {
      purchaseId: randomUUID(),
      userId,
      webtoonId: randomUUID(),
      episodeNo: 2,
      priceCoins: 7,
    });
    const expired = testEnvelope('webtoon.purchase.expired.v1', {
      ...requested.data,
      reason: 'PAYMENT_TIMEOUT',
      deadlineAt: new Date().toISOString(),
      expiredAt: new Date().toISOString(),
    });
    // The expiry twice (a redelivery) and once more as a new event: one refund.
    const again = testEnvelope(expired.type, expired.data);
    await publisher.send(requested, expired, expired, again);
    const purchaseId = requested.data.purchaseId;
    const refunded = await waitFor(
      async () =>
        publisher.received.find(
          (e) =>
            e.type === 'payment.purchase.refunded.v1' &&
            (e.data as { purchaseId: string }).purchaseId === purchaseId,
        ),
      30_000,
    );
    expect(refunded.data).toMatchObject({
      userId,
      amountCoins: 7,
      balanceAfter: 100,
      reason: 'PURCHASE_EXPIRED',
    });
    // The last one on the same partition applied means the repeats before it were too.
    await waitFor(async () => {
      const [row] = await db.query(
        `SELECT count(*)::int AS n FROM processed_events WHERE event_id = $1`,
        [again.id],
      );
      return row.n === 1 ? true : undefined;
    }, 30_000);
    const history = await http()
      .get('/api/payments/transactions?limit=10')
      .set('authorization', await bearer(userId));
    const ofPurchase = (history.body.items as { kind: string; amount: number; reference: string }[])
      .filter((t) => t.reference === purchaseId)
      .map((t) => [t.kind, t.amount]);
    expect(ofPurchase).toEqual([
      ['purchase_refund', 7],
      ['purchase', -7],
    ]);
    const [settlement] = await db.query(
      `SELECT status FROM purchase_settlements WHERE purchase_id = $1`,
      [purchaseId],
    );
    expect(settlement.status).toBe('refunded');
    const wallet = await http()
      .get('/api/payments/wallet')
      .set('authorization', await bearer(userId));
    expect(wallet.body.balance).toBe(100);
  });

  it('a purchase that arrives before the wallet of its buyer waits for the signup, then debits', async () => {
    const userId = randomUUID();
    const requested = testEnvelope('webtoon.purchase.requested.v1', {
      purchaseId: randomUUID(),
      userId,
      webtoonId: randomUUID(),
      episodeNo: 1,
      priceCoins: 3,
    });
    await publisher.send(requested);
    // Payment keeps the request waiting for the wallet; the signup arrives a moment later.
    await waitFor(async () => {
      const [row] = await db.query(
        `SELECT status FROM purchase_settlements WHERE purchase_id = $1`,
        [requested.data.purchaseId],
      );
      return row?.status === 'waiting' ? true : undefined;
    }, 30_000);
    expect(
      publisher.received.filter(
        (e) => (e.data as { purchaseId?: string }).purchaseId === requested.data.purchaseId,
      ),
    ).toEqual([]);
    await publisher.send(userRegistered(userId, { displayName: 'New reader' }));
    const settled = await outcome(requested.data.purchaseId);
    expect(settled.type).toBe('payment.purchase.succeeded.v1');
    expect(settled.data).toMatchObject({ amountCoins: 3, balanceAfter: 97 });
  });
});

describe('payment tests beside a running platform (npm start on the same dev stack)', () => {
  const prefix = `it-beside-${randomUUID().slice(0, 8)}.`;
  const brokers = process.env.KAFKA_BROKERS!.split(',');
  let platform: NestFastifyApplication;
  let app: NestFastifyApplication;
  let jwks: JwksServer;
  let probe: KafkaProbe;

  beforeAll(async () => {
    jwks = await JwksServer.start();
    const base = {
      ...process.env,
      PORT: '0',
      LOG_LEVEL: 'warn',
      CONSUL_REGISTER: 'false',
      ...jwks.env,
      SIGNUP_BONUS_COINS: '7',
    };
    // The platform's payment: the dev stack's own `payment` database, topics without a prefix.
    platform = await createPlatformApp({
      name: 'payment',
      module: AppModule,
      configSchema,
      env: {
        ...base,
        PAYMENT_DATABASE_URL: withDatabase(process.env.PAYMENT_DATABASE_URL!, 'payment'),
      },
    });
    app = await createPlatformApp({
      name: 'payment',
      module: AppModule,
      configSchema,
      env: { ...base, KAFKA_TOPIC_PREFIX: prefix },
    });
    probe = new KafkaProbe(brokers, prefix);
    await probe.connect();
    await probe.listen('payment.wallets');
  });

  afterAll(async () => {
    await probe?.stop();
    await app?.close();
    await platform?.close();
    await jwks?.stop();
    await deleteTopicsWithPrefix(brokers, prefix);
  });

  it('uses a database of its own, so the platform neither relays its events nor sees its rows', async () => {
    const own = app.get(DataSource);
    const platformDb = platform.get(DataSource);
    const [{ name: ownName }] = await own.query(`SELECT current_database() AS name`);
    const [{ name: platformName }] = await platformDb.query(`SELECT current_database() AS name`);
    expect(ownName).toMatch(/^payment_it_\d+$/);
    expect(platformName).toBe('payment');

    const userIds: string[] = Array.from({ length: 10 }, () => randomUUID());
    for (const userId of userIds) {
      await probe.send(userRegistered(userId));
    }
    // Every wallet.opened of this run comes out under this run's topic names ...
    const opened = await waitFor(async () => {
      const mine = probe.received.filter(
        (e) =>
          e.type === 'payment.wallet.opened.v1' &&
          userIds.includes((e.data as { userId: string }).userId),
      );
      return mine.length === userIds.length ? mine : undefined;
    }, 30_000);
    expect(new Set(opened.map((e) => (e.data as { userId: string }).userId)).size).toBe(10);
    // ... and the platform's database holds none of them.
    const [{ n }] = await platformDb.query(
      `SELECT count(*)::int AS n FROM wallets WHERE user_id = ANY($1)`,
      [userIds],
    );
    expect(n).toBe(0);
  });
});
