import type { EventType } from '@lib/contracts';
import { type OutboxPublisher } from '@lib/platform/postgres';
import { domainErrorOf } from '@lib/platform/testing';
import type { DataSource, EntityManager } from 'typeorm';
import type { AppConfig } from '../config';
import type { LedgerRepository, Posting, WalletRow } from '../wallets/ledger.repository';
import {
  CardProvider,
  CardProviderUnavailableError,
  DECLINING_TEST_CARD,
  type ChargeRequest,
} from './card-provider';
import { requestFingerprint } from './request-fingerprint';
import type { NewTopUp, TopUpRow, TopUpsRepository } from './top-ups.repository';
import { TopUpsService } from './top-ups.service';

const AT = new Date('2026-11-27T12:00:00.000Z');
const KEY = 'fingerprint-key-for-tests';

/**
 * A top-up store keyed by (user, key) as the unique index is, a ledger that books postings
 * onto one wallet, transactions that run one at a time (as the row locks make them) and apply
 * their writes only when the work succeeds, and the simulated provider, recorded.
 */
function setup(
  wallet: Pick<WalletRow, 'balance' | 'status'> | null = { balance: 10, status: 'open' },
) {
  const rows = new Map<string, TopUpRow>();
  const postings: Posting[] = [];
  const published: { type: EventType; data: unknown }[] = [];
  const calls: ChargeRequest[] = [];
  const failures = { provider: 0, post: 0 };
  let balance = wallet?.balance ?? 0;
  const byId = (id: string) => [...rows.values()].find((row) => row.id === id);
  const update = (id: string, status: TopUpRow['status'], fields: Partial<TopUpRow>) => {
    const row = byId(id);
    if (!row || row.status !== 'pending') throw new Error(`top-up ${id} is not pending`);
    Object.assign(row, { status, ...fields });
    return { ...row };
  };

  const topUps = {
    claim: async (_db: EntityManager, topUp: NewTopUp) => {
      const key = `${topUp.userId}/${topUp.idempotencyKey}`;
      if (rows.has(key)) return undefined;
      const claimed: TopUpRow = {
        ...topUp,
        status: 'pending',
        failureReason: null,
        transactionId: null,
        balanceAfter: null,
        createdAt: AT,
      };
      rows.set(key, claimed);
      return { ...claimed };
    },
    findByKey: async (_db: EntityManager, userId: string, key: string) => {
      const row = rows.get(`${userId}/${key}`);
      return row && { ...row };
    },
    lock: async (_tx: EntityManager, id: string) => {
      const row = byId(id);
      return row && { ...row };
    },
    markSucceeded: async (_tx: EntityManager, id: string, transactionId: string, after: number) =>
      update(id, 'succeeded', { transactionId, balanceAfter: after }),
    markFailed: async (_tx: EntityManager, id: string, reason: string) =>
      update(id, 'failed', { failureReason: reason }),
  } as unknown as TopUpsRepository;
  const walletRow = () =>
    wallet
      ? ({ id: 'w1', userId: 'u1', updatedAt: AT, ...wallet, balance } as WalletRow)
      : undefined;
  const ledger = {
    findWallet: async () => walletRow(),
    lockWallet: async () => walletRow(),
    post: async (_tx: EntityManager, posting: Posting) => {
      if (failures.post > 0) {
        failures.post -= 1;
        throw new Error('connection terminated');
      }
      postings.push(posting);
      balance += posting.amount;
      return { transactionId: `tx${postings.length}`, balanceAfter: balance };
    },
  } as unknown as LedgerRepository;
  let queue: Promise<unknown> = Promise.resolve();
  const dataSource = {
    transaction: <T>(work: (tx: EntityManager) => Promise<T>): Promise<T> => {
      const run = queue.then(async () => {
        const rowsBefore = new Map([...rows].map(([k, v]) => [k, { ...v }]));
        const [postingsBefore, publishedBefore, balanceBefore] = [
          postings.length,
          published.length,
          balance,
        ];
        try {
          return await work({} as EntityManager);
        } catch (error) {
          rows.clear();
          for (const [k, v] of rowsBefore) rows.set(k, v);
          postings.length = postingsBefore;
          published.length = publishedBefore;
          balance = balanceBefore;
          throw error;
        }
      });
      queue = run.catch(() => undefined);
      return run;
    },
  } as unknown as DataSource;
  const outbox = {
    publish: async (_tx: EntityManager, type: EventType, data: unknown) =>
      void published.push({ type, data }),
  } as unknown as OutboxPublisher;
  const provider = new CardProvider();
  const charge = provider.charge.bind(provider);
  provider.charge = async (request) => {
    calls.push(request);
    if (failures.provider > 0) {
      failures.provider -= 1;
      throw new CardProviderUnavailableError('timed out');
    }
    return charge(request);
  };
  const service = new TopUpsService(
    { TOP_UP_MAX_COINS: 1000, PAYMENT_FINGERPRINT_KEY: KEY } as AppConfig,
    dataSource,
    topUps,
    ledger,
    provider,
    outbox,
  );
  return { service, rows, postings, published, calls, provider, failures };
}

describe('TopUpsService', () => {
  it('claims pending, charges with the top-up id as the provider key, credits and publishes', async () => {
    const { service, postings, published, calls, rows } = setup();
    const result = await service.topUp('u1', 'key-0001', { amount: 25 });
    expect(result).toEqual({
      topUpId: expect.any(String),
      status: 'succeeded',
      amount: 25,
      balanceAfter: 35,
      transactionId: 'tx1',
      createdAt: AT.toISOString(),
    });
    expect(calls).toEqual([
      { idempotencyKey: result.topUpId, cardNumber: '4242424242424242', amountCoins: 25 },
    ]);
    expect(postings).toEqual([
      {
        kind: 'top_up',
        reference: result.topUpId,
        walletId: 'w1',
        amount: 25,
        counterAccount: 'system:card_provider',
      },
    ]);
    expect(published).toEqual([
      {
        type: 'payment.wallet.topped-up.v1',
        data: { walletId: 'w1', userId: 'u1', amountCoins: 25, balanceAfter: 35 },
      },
    ]);
    const row = rows.get('u1/key-0001');
    expect(row).toMatchObject({ status: 'succeeded', cardLast4: '4242', transactionId: 'tx1' });
    // Of the card only the last four digits are kept; the fingerprint is the keyed HMAC.
    expect(row?.requestHash).toBe(
      requestFingerprint(KEY, { amount: 25, cardNumber: '4242424242424242' }),
    );
    expect(JSON.stringify(row)).not.toContain('424242424242');
  });

  it('answers a retry with the same body with the first result, without calling the provider', async () => {
    const { service, postings, calls } = setup();
    const first = await service.topUp('u1', 'key-0001', { amount: 25 });
    const again = await service.topUp('u1', 'key-0001', {
      amount: 25,
      cardNumber: '4242424242424242',
    });
    expect(again).toEqual(first);
    expect(calls).toHaveLength(1);
    expect(postings).toHaveLength(1);
  });

  it('answers 422 IDEMPOTENCY_KEY.REUSED to the same key with another amount or card', async () => {
    const { service, postings } = setup();
    await service.topUp('u1', 'key-0001', { amount: 25 });
    const amount = await domainErrorOf(service.topUp('u1', 'key-0001', { amount: 26 }));
    expect([amount.code, amount.status]).toEqual(['IDEMPOTENCY_KEY.REUSED', 422]);
    const card = await domainErrorOf(
      service.topUp('u1', 'key-0001', { amount: 25, cardNumber: '5555555555554444' }),
    );
    expect(card.code).toBe('IDEMPOTENCY_KEY.REUSED');
    expect(postings).toHaveLength(1);
  });

  it('scopes keys to the user: the same key of another user is a new top-up', async () => {
    const { service, postings } = setup();
    await service.topUp('u1', 'key-0001', { amount: 25 });
    await service.topUp('u2', 'key-0001', { amount: 30 });
    expect(postings.map((p) => p.amount)).toEqual([25, 30]);
  });

  it('marks a declined charge failed with its reason, credits nothing, answers a retry the same', async () => {
    const { service, postings, published, rows, provider } = setup();
    const body = { amount: 25, cardNumber: DECLINING_TEST_CARD };
    const first = await domainErrorOf(service.topUp('u1', 'key-0001', body));
    expect([first.code, first.status]).toEqual(['PAYMENT.CARD_DECLINED', 402]);
    const row = rows.get('u1/key-0001');
    expect(first.details).toEqual({ topUpId: row?.id });
    expect(row).toMatchObject({ status: 'failed', failureReason: 'CARD_DECLINED' });

    const retry = await domainErrorOf(service.topUp('u1', 'key-0001', body));
    expect([retry.code, retry.details]).toEqual(['PAYMENT.CARD_DECLINED', { topUpId: row?.id }]);
    expect(provider.chargeCounts()).toEqual({ approved: 0, declined: 1 });
    expect(postings).toEqual([]);
    expect(published).toEqual([]);
  });

  it('keeps the top-up pending when the provider does not answer (503), and a retry resolves it', async () => {
    const { service, postings, rows, provider, failures, calls } = setup();
    failures.provider = 1;
    const unavailable = await domainErrorOf(service.topUp('u1', 'key-0001', { amount: 25 }));
    expect([unavailable.code, unavailable.status]).toEqual(['PAYMENT.PROVIDER_UNAVAILABLE', 503]);
    expect(unavailable.headers).toEqual({ 'Retry-After': '5' });
    const pending = rows.get('u1/key-0001');
    expect(pending?.status).toBe('pending');
    expect(postings).toEqual([]);

    const retried = await service.topUp('u1', 'key-0001', { amount: 25 });
    expect(retried).toMatchObject({ topUpId: pending?.id, status: 'succeeded', balanceAfter: 35 });
    expect(calls.map((c) => c.idempotencyKey)).toEqual([pending?.id, pending?.id]);
    expect(provider.chargeCounts()).toEqual({ approved: 1, declined: 0 });
    expect(postings).toHaveLength(1);
  });

  it('never charges twice when the credit failed after an approved charge: the retry books that charge', async () => {
    const { service, postings, rows, provider, failures } = setup();
    failures.post = 1;
    await expect(service.topUp('u1', 'key-0001', { amount: 25 })).rejects.toThrow(
      'connection terminated',
    );
    expect(rows.get('u1/key-0001')?.status).toBe('pending');
    expect(provider.chargeCounts()).toEqual({ approved: 1, declined: 0 });

    const retried = await service.topUp('u1', 'key-0001', { amount: 25 });
    expect(retried).toMatchObject({ status: 'succeeded', amount: 25, balanceAfter: 35 });
    expect(provider.chargeCounts()).toEqual({ approved: 1, declined: 0 });
    expect(postings).toHaveLength(1);
  });

  it('concurrent requests with one key resolve the one pending top-up once', async () => {
    const { service, postings, provider } = setup();
    const results = await Promise.all(
      [1, 2, 3].map(() => service.topUp('u1', 'key-0001', { amount: 25 })),
    );
    expect(new Set(results.map((r) => r.topUpId)).size).toBe(1);
    expect(results.map((r) => r.balanceAfter)).toEqual([35, 35, 35]);
    expect(provider.chargeCounts()).toEqual({ approved: 1, declined: 0 });
    expect(postings).toHaveLength(1);
  });

  it('refuses more than TOP_UP_MAX_COINS with 422 and a card failing the Luhn check with 400, before anything', async () => {
    const { service, rows, calls } = setup();
    const large = await domainErrorOf(service.topUp('u1', 'key-0001', { amount: 1001 }));
    expect([large.code, large.status]).toEqual(['PAYMENT.TOP_UP_TOO_LARGE', 422]);
    const typo = await domainErrorOf(
      service.topUp('u1', 'key-0002', { amount: 5, cardNumber: '4242424242424241' }),
    );
    expect([typo.code, typo.status]).toEqual(['PAYMENT.CARD_INVALID', 400]);
    expect(rows.size).toBe(0);
    expect(calls).toEqual([]);
    await expect(service.topUp('u1', 'key-0003', { amount: 1000 })).resolves.toMatchObject({
      amount: 1000,
    });
  });

  it('answers 404 PAYMENT.WALLET_NOT_FOUND without a wallet and keeps no claim of the key', async () => {
    const { service, rows, calls } = setup(null);
    const error = await domainErrorOf(service.topUp('u1', 'key-0001', { amount: 5 }));
    expect([error.code, error.status]).toEqual(['PAYMENT.WALLET_NOT_FOUND', 404]);
    expect(rows.size).toBe(0);
    expect(calls).toEqual([]);
  });

  it('answers 409 PAYMENT.WALLET_CLOSED for a closed wallet, charging nothing', async () => {
    const { service, rows, calls, postings } = setup({ balance: 40, status: 'closed' });
    const error = await domainErrorOf(service.topUp('u1', 'key-0001', { amount: 5 }));
    expect([error.code, error.status]).toEqual(['PAYMENT.WALLET_CLOSED', 409]);
    expect(rows.size).toBe(0);
    expect(calls).toEqual([]);
    expect(postings).toEqual([]);
  });
});
