import { DomainError, PageQuery } from '@lib/platform';
import {
  apiTestApp,
  expectErrorBody,
  TestTokenIssuer,
  type ApiTestApp,
} from '@lib/platform/testing';
import { TopUpsController } from './top-ups/top-ups.controller';
import type { TopUpRequest } from './top-ups/top-ups.dto';
import { TopUpsService } from './top-ups/top-ups.service';
import { WalletsController } from './wallets/wallets.controller';
import { WalletsService, walletNotFound } from './wallets/wallets.service';

const KEY = 'top-up-key-0001';

/**
 * The HTTP surface of payment (validation, auth, idempotency keys and error bodies) over the
 * real platform app, its ValidationPipe, error filter and global JWT guard, with the services
 * faked.
 */
describe('payment API: validation, auth and error bodies', () => {
  let api: ApiTestApp;
  const wallets = {
    wallet: jest.fn(async (userId: string) => ({
      walletId: 'w-1',
      userId,
      balance: 100,
      status: 'open',
      updatedAt: '2026-11-27T12:00:00.000Z',
    })),
    transactions: jest.fn(async (_userId: string, paging: PageQuery) => ({
      items: [],
      page: paging.page,
      limit: paging.limit,
      total: 0,
    })),
  };
  const topUps = {
    topUp: jest.fn(async (_userId: string, _key: string, body: TopUpRequest) => ({
      topUpId: 't-1',
      status: 'succeeded',
      amount: body.amount,
      balanceAfter: 100 + body.amount,
      transactionId: 'tx-1',
      createdAt: '2026-11-27T12:00:00.000Z',
    })),
  };

  beforeAll(async () => {
    api = await apiTestApp({
      name: 'payment',
      controllers: [WalletsController, TopUpsController],
      providers: [
        { provide: WalletsService, useValue: wallets },
        { provide: TopUpsService, useValue: topUps },
      ],
    });
  });

  afterAll(() => api.app.close());
  beforeEach(() => jest.clearAllMocks());

  const http = () => api.http();
  const admin = () => api.admin();
  const bearer = async (userId = 'u-1') => `Bearer ${await api.issuer.sign(userId)}`;

  describe.each([
    ['GET', '/api/payments/wallet'],
    ['GET', '/api/payments/transactions'],
    ['POST', '/api/payments/top-ups'],
  ])('%s %s needs a valid token', (method, path) => {
    const call = () =>
      method === 'GET'
        ? http().get(path)
        : http().post(path).set('idempotency-key', KEY).send({ amount: 10 });

    it('answers 401 AUTH.TOKEN_MISSING without one, with a Bearer challenge', async () => {
      const res = await call();
      expect(res.status).toBe(401);
      expectErrorBody(res.body, 401, 'AUTH.TOKEN_MISSING');
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });

    it.each([
      ['expired', () => api.issuer.sign('u-1', { expiresIn: -120 })],
      ['forged', async () => (await TestTokenIssuer.create()).sign('u-1')],
      ['for another issuer', () => api.issuer.sign('u-1', { issuer: 'someone' })],
    ])('answers 401 AUTH.TOKEN_INVALID to an %s token', async (_name, token) => {
      const res = await call().set('authorization', `Bearer ${await token()}`);
      expect(res.status).toBe(401);
      expectErrorBody(res.body, 401, 'AUTH.TOKEN_INVALID');
      expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
      expect(wallets.wallet).not.toHaveBeenCalled();
      expect(wallets.transactions).not.toHaveBeenCalled();
      expect(topUps.topUp).not.toHaveBeenCalled();
    });

    it('treats a header that is not a Bearer token as no token', async () => {
      const res = await call().set('authorization', 'Basic dTpw');
      expect(res.status).toBe(401);
      expectErrorBody(res.body, 401, 'AUTH.TOKEN_MISSING');
    });
  });

  describe('GET /api/payments/wallet', () => {
    it("answers the caller's wallet, the user taken from the token", async () => {
      const res = await http()
        .get('/api/payments/wallet')
        .set('authorization', await bearer('u-9'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        walletId: 'w-1',
        userId: 'u-9',
        balance: 100,
        status: 'open',
        updatedAt: '2026-11-27T12:00:00.000Z',
      });
      expect(wallets.wallet).toHaveBeenCalledWith('u-9');
    });

    it('answers 404 PAYMENT.WALLET_NOT_FOUND before the wallet is opened', async () => {
      wallets.wallet.mockRejectedValueOnce(walletNotFound());
      const res = await http()
        .get('/api/payments/wallet')
        .set('authorization', await bearer());
      expect(res.status).toBe(404);
      expectErrorBody(res.body, 404, 'PAYMENT.WALLET_NOT_FOUND');
    });
  });

  describe('GET /api/payments/transactions', () => {
    it('passes the default paging (page 1, 20) as the platform paging type', async () => {
      const res = await http()
        .get('/api/payments/transactions')
        .set('authorization', await bearer('u-2'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ items: [], page: 1, limit: 20, total: 0 });
      const [userId, paging] = wallets.transactions.mock.calls[0];
      expect(userId).toBe('u-2');
      expect(paging).toBeInstanceOf(PageQuery);
      expect(paging).toMatchObject({ page: 1, limit: 20 });
    });

    it('converts the paging bounds it accepts', async () => {
      const res = await http()
        .get('/api/payments/transactions?page=1000&limit=100')
        .set('authorization', await bearer());
      expect(res.body).toMatchObject({ page: 1000, limit: 100 });
    });

    it.each([
      'limit=101',
      'limit=1000',
      'limit=0',
      'page=0',
      'page=1001',
      'page=abc',
      'page=2.5',
      'limit[$gt]=1',
      'limit=1&limit=2',
      'userId=u-2',
    ])('answers 400 for ?%s', async (query) => {
      const res = await http()
        .get(`/api/payments/transactions?${query}`)
        .set('authorization', await bearer());
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400);
      expect(wallets.transactions).not.toHaveBeenCalled();
    });
  });

  describe('POST /api/payments/top-ups', () => {
    const post = async (body: unknown, key: string | null = KEY, userId = 'u-1') => {
      const req = http()
        .post('/api/payments/top-ups')
        .set('authorization', await bearer(userId));
      return (key === null ? req : req.set('idempotency-key', key)).send(body as object);
    };

    it('answers 201 with the top-up, passing the user, the key and the body', async () => {
      const res = await post({ amount: 50, cardNumber: '4242424242424242' }, KEY, 'u-5');
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        topUpId: 't-1',
        status: 'succeeded',
        amount: 50,
        balanceAfter: 150,
        transactionId: 'tx-1',
        createdAt: '2026-11-27T12:00:00.000Z',
      });
      expect(topUps.topUp).toHaveBeenCalledWith('u-5', KEY, {
        amount: 50,
        cardNumber: '4242424242424242',
      });
    });

    it('accepts a body without a card (the default test card is the service’s business)', async () => {
      const res = await post({ amount: 1 });
      expect(res.status).toBe(201);
      expect(topUps.topUp).toHaveBeenCalledWith('u-1', KEY, { amount: 1 });
    });

    it.each([
      ['missing', null],
      ['of 7 characters', 'k234567'],
      ['of 129 characters', 'k'.repeat(129)],
      ['with a space', 'top up key 1'],
      ['with a non-ASCII letter', 'clé-de-recharge'],
    ])('answers 400 IDEMPOTENCY_KEY.INVALID for a key %s', async (_name, key) => {
      const res = await post({ amount: 10 }, key);
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400, 'IDEMPOTENCY_KEY.INVALID');
      expect(topUps.topUp).not.toHaveBeenCalled();
    });

    it('accepts keys at both length bounds and of every allowed character', async () => {
      for (const key of ['k2345678', 'k'.repeat(128), 'A-z_0.9:x']) {
        expect((await post({ amount: 10 }, key)).status).toBe(201);
      }
    });

    it.each([
      [{}, 'amount must be an integer number'],
      [{ amount: '10' }, 'amount must be an integer number'],
      [{ amount: 1.5 }, 'amount must be an integer number'],
      [{ amount: 0 }, 'amount must not be less than 1'],
      [{ amount: -5 }, 'amount must not be less than 1'],
      [{ amount: 100_000_001 }, 'amount must not be greater than 100000000'],
      [{ amount: null }, 'amount must be an integer number'],
      [{ amount: 10, cardNumber: 4242424242424242 }, 'cardNumber must be a string'],
      [{ amount: 10, cardNumber: '4242 4242 4242 4242' }, 'cardNumber must be 12-19 digits'],
      [{ amount: 10, cardNumber: '42424242424' }, 'cardNumber must be 12-19 digits'],
      [{ amount: 10, cardNumber: '4'.repeat(20) }, 'cardNumber must be 12-19 digits'],
      [{ amount: 10, currency: 'EUR' }, 'property currency should not exist'],
      [{ amount: 10, userId: 'someone-else' }, 'property userId should not exist'],
    ])('answers 400 for %j naming the problem', async (body, message) => {
      const res = await post(body);
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400);
      expect(res.body.message).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
      expect(topUps.topUp).not.toHaveBeenCalled();
    });

    it('answers 400, not 500, for a body that is not JSON', async () => {
      const res = await http()
        .post('/api/payments/top-ups')
        .set('authorization', await bearer())
        .set('idempotency-key', KEY)
        .set('content-type', 'application/json')
        .send('{"amount":');
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400);
    });

    it.each(['null', '[]', '[{"amount":1}]', '"amount"', '42'])(
      'answers 400, not 500, for the JSON body %s that is not an object',
      async (raw) => {
        const res = await http()
          .post('/api/payments/top-ups')
          .set('authorization', await bearer())
          .set('idempotency-key', KEY)
          .set('content-type', 'application/json')
          .send(raw);
        expect(res.status).toBe(400);
        expectErrorBody(res.body, 400);
        expect(topUps.topUp).not.toHaveBeenCalled();
      },
    );

    it('answers 400 when two Idempotency-Key headers are sent', async () => {
      const res = await http()
        .post('/api/payments/top-ups')
        .set('authorization', await bearer())
        // Node joins repeated headers with a comma, as a proxy may too.
        .set('idempotency-key', `${KEY}, ${KEY}`)
        .send({ amount: 10 });
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400, 'IDEMPOTENCY_KEY.INVALID');
    });

    it.each([
      [new DomainError('PAYMENT.TOP_UP_TOO_LARGE', 'A top-up is at most 100000 coins', 422), 422],
      [new DomainError('PAYMENT.CARD_INVALID', 'not a valid card number', 400), 400],
      [new DomainError('IDEMPOTENCY_KEY.REUSED', 'different body', 422), 422],
      [new DomainError('PAYMENT.WALLET_CLOSED', 'This wallet is closed', 409), 409],
      [walletNotFound(), 404],
    ])("answers the service's %s with its status and code", async (error, status) => {
      topUps.topUp.mockRejectedValueOnce(error);
      const res = await post({ amount: 10 });
      expect(res.status).toBe(status);
      expectErrorBody(res.body, status, error.code);
    });

    it('answers a declined card 402 with the top-up id in the body', async () => {
      topUps.topUp.mockRejectedValueOnce(
        new DomainError(
          'PAYMENT.CARD_DECLINED',
          'The card was declined',
          402,
          {},
          { topUpId: 't-2' },
        ),
      );
      const res = await post({ amount: 10, cardNumber: '4000000000000002' });
      expect(res.status).toBe(402);
      expectErrorBody(res.body, 402, 'PAYMENT.CARD_DECLINED');
      expect(res.body.topUpId).toBe('t-2');
    });
  });

  it('serves health, metrics and its OpenAPI document on the admin port, not the public one', async () => {
    for (const path of ['/health/live', '/metrics', '/openapi.json']) {
      expect({ path, status: (await http().get(path)).status }).toEqual({ path, status: 404 });
      expect({ path, status: (await admin().get(path)).status }).toEqual({ path, status: 200 });
    }
  });
});
