import type { EventType } from '@lib/contracts';
import { DomainError } from '@lib/platform';
import { type OutboxPublisher } from '@lib/platform/postgres';
import type { DataSource, EntityManager } from 'typeorm';
import type { AppConfig } from '../config';
import type { LedgerRepository, Posting, WalletRow } from '../wallets/ledger.repository';
import { CardProvider, DECLINING_TEST_CARD } from './card-provider';
import type { TopUpRow, TopUpsRepository } from './top-ups.repository';
import { TopUpsService } from './top-ups.service';

const AT = new Date('2026-11-27T12:00:00.000Z');

/**
 * A top-up store keyed by (user, key) as the unique index is, a ledger that books postings
 * onto one wallet, and a transaction that applies its writes only when the work succeeds.
 */
function setup(
  wallet: Pick<WalletRow, 'balance' | 'status'> | null = { balance: 10, status: 'open' },
) {
  const rows = new Map<string, TopUpRow>();
  const postings: Posting[] = [];
  const published: { type: EventType; data: unknown }[] = [];
  const charges: [string, number][] = [];
  let balance = wallet?.balance ?? 0;

  const topUps = {
    claim: async (
      _tx: EntityManager,
      row: Omit<TopUpRow, 'transactionId' | 'balanceAfter' | 'createdAt'>,
    ) => {
      const key = `${row.userId}/${row.idempotencyKey}`;
      if (rows.has(key)) return undefined;
      const claimed: TopUpRow = { ...row, transactionId: null, balanceAfter: null, createdAt: AT };
      rows.set(key, claimed);
      return claimed;
    },
    findByKey: async (_tx: EntityManager, userId: string, key: string) =>
      rows.get(`${userId}/${key}`),
    recordBooking: async (
      _tx: EntityManager,
      id: string,
      transactionId: string,
      balanceAfter: number,
    ) => {
      for (const row of rows.values()) {
        if (row.id === id) Object.assign(row, { transactionId, balanceAfter });
      }
    },
  } as unknown as TopUpsRepository;
  const ledger = {
    lockWallet: async (_tx: EntityManager, userId: string) =>
      wallet ? ({ id: 'w1', userId, updatedAt: AT, ...wallet, balance } as WalletRow) : undefined,
    post: async (_tx: EntityManager, posting: Posting) => {
      postings.push(posting);
      balance += posting.amount;
      return { transactionId: `tx${postings.length}`, balanceAfter: balance };
    },
  } as unknown as LedgerRepository;
  const tx = {
    // The one statement the service runs itself: marking a claimed top-up declined.
    query: async (sql: string, [id]: [string]) => {
      expect(sql).toMatch(/UPDATE top_ups SET status = 'declined'/);
      for (const row of rows.values()) if (row.id === id) row.status = 'declined';
    },
  } as unknown as EntityManager;
  const dataSource = {
    // A failed transaction leaves nothing behind: the claim is rolled back with it.
    transaction: async <T>(work: (tx: EntityManager) => Promise<T>) => {
      const before = new Map([...rows].map(([k, v]) => [k, { ...v }]));
      try {
        return await work(tx);
      } catch (error) {
        rows.clear();
        for (const [k, v] of before) rows.set(k, v);
        throw error;
      }
    },
  } as unknown as DataSource;
  const outbox = {
    publish: async (_tx: EntityManager, type: EventType, data: unknown) =>
      void published.push({ type, data }),
  } as unknown as OutboxPublisher;
  const provider = new CardProvider();
  const charge = provider.charge.bind(provider);
  provider.charge = (card, amount) => {
    charges.push([card, amount]);
    return charge(card, amount);
  };
  const service = new TopUpsService(
    { TOP_UP_MAX_COINS: 1000 } as AppConfig,
    dataSource,
    topUps,
    ledger,
    provider,
    outbox,
  );
  return { service, rows, postings, published, charges, balance: () => balance };
}

async function domainError(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('TopUpsService', () => {
  it('charges the card, credits the wallet through the ledger and publishes topped-up', async () => {
    const { service, postings, published, charges, rows } = setup();
    const result = await service.topUp('u1', 'key-0001', { amount: 25 });
    expect(result).toEqual({
      topUpId: expect.any(String),
      status: 'succeeded',
      amount: 25,
      balanceAfter: 35,
      transactionId: 'tx1',
      createdAt: AT.toISOString(),
    });
    expect(charges).toEqual([['4242424242424242', 25]]);
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
    // Only the last four digits of the card are kept.
    expect(rows.get('u1/key-0001')?.cardLast4).toBe('4242');
  });

  it('answers a retry with the same body with the first result, without charging again', async () => {
    const { service, postings, charges } = setup();
    const first = await service.topUp('u1', 'key-0001', { amount: 25 });
    const again = await service.topUp('u1', 'key-0001', {
      amount: 25,
      cardNumber: '4242424242424242',
    });
    expect(again).toEqual(first);
    expect(charges).toHaveLength(1);
    expect(postings).toHaveLength(1);
  });

  it('answers 422 IDEMPOTENCY_KEY.REUSED to the same key with another body', async () => {
    const { service, postings } = setup();
    await service.topUp('u1', 'key-0001', { amount: 25 });
    const error = await domainError(service.topUp('u1', 'key-0001', { amount: 26 }));
    expect([error.code, error.status]).toEqual(['IDEMPOTENCY_KEY.REUSED', 422]);
    expect(postings).toHaveLength(1);
  });

  it('scopes keys to the user: the same key of another user is a new top-up', async () => {
    const { service, postings } = setup();
    await service.topUp('u1', 'key-0001', { amount: 25 });
    await service.topUp('u2', 'key-0001', { amount: 30 });
    expect(postings.map((p) => p.amount)).toEqual([25, 30]);
  });

  it('declines the always-declined card with 402 and the top-up id, and answers a retry the same', async () => {
    const { service, postings, published, charges, rows } = setup();
    const body = { amount: 25, cardNumber: DECLINING_TEST_CARD };
    const first = await domainError(service.topUp('u1', 'key-0001', body));
    expect([first.code, first.status]).toEqual(['PAYMENT.CARD_DECLINED', 402]);
    const topUpId = rows.get('u1/key-0001')?.id;
    expect(first.details).toEqual({ topUpId });
    expect(rows.get('u1/key-0001')?.status).toBe('declined');

    const retry = await domainError(service.topUp('u1', 'key-0001', body));
    expect([retry.code, retry.details]).toEqual(['PAYMENT.CARD_DECLINED', { topUpId }]);
    expect(charges).toHaveLength(1);
    expect(postings).toEqual([]);
    expect(published).toEqual([]);
  });

  it('refuses more than TOP_UP_MAX_COINS with 422 and a card failing the Luhn check with 400, before anything', async () => {
    const { service, rows, charges } = setup();
    const large = await domainError(service.topUp('u1', 'key-0001', { amount: 1001 }));
    expect([large.code, large.status]).toEqual(['PAYMENT.TOP_UP_TOO_LARGE', 422]);
    const typo = await domainError(
      service.topUp('u1', 'key-0002', { amount: 5, cardNumber: '4242424242424241' }),
    );
    expect([typo.code, typo.status]).toEqual(['PAYMENT.CARD_INVALID', 400]);
    expect(rows.size).toBe(0);
    expect(charges).toEqual([]);
    await expect(service.topUp('u1', 'key-0003', { amount: 1000 })).resolves.toMatchObject({
      amount: 1000,
    });
  });

  it('answers 404 PAYMENT.WALLET_NOT_FOUND without a wallet and keeps no claim of the key', async () => {
    const { service, rows, charges } = setup(null);
    const error = await domainError(service.topUp('u1', 'key-0001', { amount: 5 }));
    expect([error.code, error.status]).toEqual(['PAYMENT.WALLET_NOT_FOUND', 404]);
    expect(rows.size).toBe(0);
    expect(charges).toEqual([]);
  });

  it('answers 409 PAYMENT.WALLET_CLOSED for a closed wallet, charging nothing', async () => {
    const { service, rows, charges, postings } = setup({ balance: 40, status: 'closed' });
    const error = await domainError(service.topUp('u1', 'key-0001', { amount: 5 }));
    expect([error.code, error.status]).toEqual(['PAYMENT.WALLET_CLOSED', 409]);
    expect(rows.size).toBe(0);
    expect(charges).toEqual([]);
    expect(postings).toEqual([]);
  });
});
