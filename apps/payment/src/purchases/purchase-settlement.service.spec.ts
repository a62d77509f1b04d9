import type { EventType } from '@lib/contracts';
import type { OutboxPublisher } from '@lib/platform';
import type { EntityManager } from 'typeorm';
import type { LedgerRepository, Posting, WalletRow } from '../wallets/ledger.repository';
import { PurchaseSettlementService } from './purchase-settlement.service';
import type { Settlement, SettlementsRepository } from './settlements.repository';

const tx = {} as EntityManager;

function setup(wallet: Partial<WalletRow> | undefined) {
  const postings: Posting[] = [];
  const settlements = new Map<string, Settlement>();
  const published: { type: EventType; data: unknown }[] = [];
  const ledger = {
    lockWallet: async () =>
      wallet
        ? ({ id: 'w1', userId: 'u1', status: 'open', balance: 0, ...wallet } as WalletRow)
        : undefined,
    post: async (_tx: EntityManager, posting: Posting) => {
      postings.push(posting);
      return { transactionId: 't1', balanceAfter: (wallet?.balance ?? 0) + posting.amount };
    },
  } as unknown as LedgerRepository;
  const repo = {
    find: async (_tx: EntityManager, id: string) => settlements.get(id),
    insert: async (_tx: EntityManager, s: Settlement) => void settlements.set(s.purchaseId, s),
  } as unknown as SettlementsRepository;
  const outbox = {
    publish: async (_tx: EntityManager, type: EventType, data: unknown) =>
      void published.push({ type, data }),
  } as unknown as OutboxPublisher;
  return { service: new PurchaseSettlementService(ledger, repo, outbox), postings, published };
}

const request = { purchaseId: 'p1', userId: 'u1', webtoonId: 's1', episodeNo: 3, priceCoins: 5 };

describe('PurchaseSettlementService', () => {
  it('debits the price once and reports success', async () => {
    const { service, postings, published } = setup({ balance: 5 });
    const settlement = await service.settle(tx, request);
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

    await service.settle(tx, request);
    expect(postings).toHaveLength(1);
    expect(published.map((p) => p.type)).toEqual([
      'payment.purchase.succeeded.v1',
      'payment.purchase.succeeded.v1',
    ]);
  });

  it.each([
    [{ balance: 4 }, 'INSUFFICIENT_FUNDS'],
    [{ balance: 50, status: 'closed' as const }, 'WALLET_CLOSED'],
    [undefined, 'WALLET_NOT_FOUND'],
  ])('declines without touching the ledger (%j → %s)', async (wallet, reason) => {
    const { service, postings, published } = setup(wallet);
    await expect(service.settle(tx, request)).resolves.toMatchObject({
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

  it('refuses a request with a non-positive price (a contract violation: dead letter)', async () => {
    const { service } = setup({ balance: 5 });
    await expect(service.settle(tx, { ...request, priceCoins: 0 })).rejects.toThrow(
      /invalid price/,
    );
  });
});
