import type { EventType } from '@lib/contracts';
import type { OutboxPublisher } from '@lib/platform/postgres';
import type { EntityManager } from 'typeorm';
import type { LedgerRepository, Posting, WalletRow } from '../wallets/ledger.repository';
import { PurchaseSettlementService } from './purchase-settlement.service';
import type { RefundMetrics } from './refund.metrics';
import type { Settlement, SettlementsRepository } from './settlements.repository';

const tx = {} as EntityManager;
const requestedAt = new Date('2026-11-27T12:00:00Z');
const soon = new Date(requestedAt.getTime() + 1000);
const later = new Date(requestedAt.getTime() + 31_000);

function setup(initial: Partial<WalletRow> | undefined) {
  let wallet = initial;
  const postings: Posting[] = [];
  const settlements = new Map<string, Settlement>();
  const published: { type: EventType; data: unknown }[] = [];
  let balanceNow = wallet?.balance ?? 0;
  let refunds = 0;
  const ledger = {
    lockWallet: async () =>
      wallet
        ? ({ id: 'w1', userId: 'u1', status: 'open', ...wallet, balance: balanceNow } as WalletRow)
        : undefined,
    post: async (_tx: EntityManager, posting: Posting) => {
      postings.push(posting);
      balanceNow += posting.amount;
      return { transactionId: `t${postings.length}`, balanceAfter: balanceNow };
    },
  } as unknown as LedgerRepository;
  const repo = {
    find: async (_tx: EntityManager, id: string) => settlements.get(id),
    insert: async (_tx: EntityManager, s: Settlement) => void settlements.set(s.purchaseId, s),
    markRefunded: async (_tx: EntityManager, id: string) => {
      const s = settlements.get(id);
      if (s?.status === 'succeeded') settlements.set(id, { ...s, status: 'refunded' });
    },
    settleWaiting: async (_tx: EntityManager, next: Settlement) => {
      if (settlements.get(next.purchaseId)?.status === 'waiting') {
        settlements.set(next.purchaseId, next);
      }
    },
    waitingOf: async () => [...settlements.values()].filter((s) => s.status === 'waiting'),
    overdue: async () =>
      [...settlements.values()].filter((s) => s.status === 'waiting' && s.waitUntil! <= later),
    cancelWaiting: async (_tx: EntityManager, id: string) => {
      const s = settlements.get(id);
      if (s?.status === 'waiting') settlements.set(id, { ...s, status: 'cancelled' });
    },
  } as unknown as SettlementsRepository;
  const outbox = {
    publish: async (_tx: EntityManager, type: EventType, data: unknown) =>
      void published.push({ type, data }),
  } as unknown as OutboxPublisher;
  const metrics = { refunded: () => void refunds++ } as unknown as RefundMetrics;
  const service = new PurchaseSettlementService(
    { WALLET_WAIT_SECONDS: 30 },
    ledger,
    repo,
    outbox,
    metrics,
  );
  const openWallet = (balance: number) => {
    wallet = { balance };
    balanceNow = balance;
  };
  return { service, postings, published, settlements, refunds: () => refunds, openWallet };
}

const request = { purchaseId: 'p1', userId: 'u1', webtoonId: 's1', episodeNo: 3, priceCoins: 5 };
const expiry = {
  ...request,
  reason: 'PAYMENT_TIMEOUT' as const,
  deadlineAt: '2026-11-27T12:01:00Z',
  expiredAt: '2026-11-27T12:01:00Z',
};

describe('PurchaseSettlementService', () => {
  it('debits the price once and reports success', async () => {
    const { service, postings, published } = setup({ balance: 5 });
    const settlement = await service.settle(tx, request, requestedAt, soon);
    expect(settlement).toMatchObject({ status: 'succeeded', balanceAfter: 0 });
    expect(postings).toEqual([
      {
        kind: 'purchase',
        reference: 'p1',
        walletId: 'w1',
        amount: -5,
        counterAccount: 'system:episode_sales',
      },
    ]);
    expect(published.map((p) => p.type)).toEqual(['payment.purchase.succeeded.v1']);

    await service.settle(tx, request, requestedAt, soon);
    expect(postings).toHaveLength(1);
    expect(published.map((p) => p.type)).toEqual([
      'payment.purchase.succeeded.v1',
      'payment.purchase.succeeded.v1',
    ]);
  });

  it.each([
    [{ balance: 4 }, 'INSUFFICIENT_FUNDS', soon],
    [{ balance: 50, status: 'closed' as const }, 'WALLET_CLOSED', soon],
    [undefined, 'WALLET_NOT_FOUND', later],
  ])('declines without touching the ledger (%j → %s)', async (wallet, reason, now) => {
    const { service, postings, published } = setup(wallet);
    await expect(service.settle(tx, request, requestedAt, now)).resolves.toMatchObject({
      status: 'declined',
      reason,
    });
    expect(postings).toEqual([]);
    expect(published).toEqual([
      {
        type: 'payment.purchase.declined.v1',
        data: { purchaseId: 'p1', userId: 'u1', amountCoins: 5, reason },
      },
    ]);
  });

  it('keeps the purchase of a new user waiting for the wallet, then settles it when it opens', async () => {
    const { service, published, settlements, openWallet, postings } = setup(undefined);
    const second = { ...request, purchaseId: 'p2' };
    await expect(service.settle(tx, request, requestedAt, soon)).resolves.toMatchObject({
      status: 'waiting',
      waitUntil: new Date(requestedAt.getTime() + 30_000),
    });
    await service.settle(tx, second, requestedAt, soon);
    // A repeated request while it waits answers nothing yet.
    await service.settle(tx, request, requestedAt, soon);
    expect(published).toEqual([]);

    openWallet(7);
    const settled = await service.settleWaiting(tx, 'u1');
    expect(settled.map((s) => [s.purchaseId, s.status, s.reason])).toEqual([
      ['p1', 'succeeded', null],
      ['p2', 'declined', 'INSUFFICIENT_FUNDS'],
    ]);
    expect(postings.map((p) => p.amount)).toEqual([-5]);
    expect(settlements.get('p1')?.status).toBe('succeeded');
    expect(published.map((p) => p.type)).toEqual([
      'payment.purchase.succeeded.v1',
      'payment.purchase.declined.v1',
    ]);
  });

  it('declines a waiting purchase WALLET_NOT_FOUND once its wait is over', async () => {
    const { service, published } = setup(undefined);
    await service.settle(tx, request, requestedAt, soon);
    const declined = await service.declineOverdue(tx, 100);
    expect(declined).toEqual([
      expect.objectContaining({ status: 'declined', reason: 'WALLET_NOT_FOUND' }),
    ]);
    expect(published.map((p) => p.type)).toEqual(['payment.purchase.declined.v1']);
  });

  it('cancels a waiting purchase that expires first', async () => {
    const { service, settlements, openWallet, postings } = setup(undefined);
    await service.settle(tx, request, requestedAt, soon);
    expect(await service.expire(tx, expiry)).toBe('cancelled');
    openWallet(10);
    expect(await service.settleWaiting(tx, 'u1')).toEqual([]);
    expect(settlements.get('p1')?.status).toBe('cancelled');
    expect(postings).toEqual([]);
  });

  it('refuses a request with a non-positive price (a contract violation: dead letter)', async () => {
    const { service } = setup({ balance: 5 });
    await expect(service.settle(tx, { ...request, priceCoins: 0 }, requestedAt)).rejects.toThrow(
      /invalid price/,
    );
  });

  it('refunds a debit once when its purchase expired, and never debits it again', async () => {
    const { service, postings, published, refunds } = setup({ balance: 5 });
    await service.settle(tx, request, requestedAt, soon);
    expect(await service.expire(tx, expiry)).toBe('refunded');
    expect(await service.expire(tx, expiry)).toBe('refunded');
    await service.settle(tx, request, requestedAt, soon);

    expect(postings.map((p) => [p.kind, p.amount])).toEqual([
      ['purchase', -5],
      ['purchase_refund', 5],
    ]);
    expect(published.map((p) => p.type)).toEqual([
      'payment.purchase.succeeded.v1',
      'payment.purchase.refunded.v1',
    ]);
    expect(published[1].data).toEqual({
      purchaseId: 'p1',
      userId: 'u1',
      amountCoins: 5,
      debitTransactionId: 't1',
      transactionId: 't2',
      balanceAfter: 5,
      reason: 'PURCHASE_EXPIRED',
    });
    expect(refunds()).toBe(1);
  });

  it('cancels a purchase that expired before it was settled: a late request never debits', async () => {
    const { service, postings, published } = setup({ balance: 5 });
    expect(await service.expire(tx, expiry)).toBe('cancelled');
    await expect(service.settle(tx, request, requestedAt, soon)).resolves.toMatchObject({
      status: 'cancelled',
    });
    expect(postings).toEqual([]);
    expect(published).toEqual([]);
  });

  it('leaves a declined purchase alone when it expires', async () => {
    const { service, postings, published } = setup({ balance: 1 });
    await service.settle(tx, request, requestedAt, soon);
    expect(await service.expire(tx, expiry)).toBe('declined');
    expect(postings).toEqual([]);
    expect(published.map((p) => p.type)).toEqual(['payment.purchase.declined.v1']);
  });
});
