import type { EventEnvelope, EventType } from '@lib/contracts';
import type { OutboxPublisher, PostgresDeletedAccounts } from '@lib/platform/postgres';
import type { EntityManager } from 'typeorm';
import type { AppConfig } from '../config';
import type { PurchaseSettlementService } from '../purchases/purchase-settlement.service';
import type { LedgerRepository, Posting, WalletRow } from '../wallets/ledger.repository';
import { CloseWalletWhenUserDeletedHandler } from './close-wallet-when-user-deleted.handler';
import { OpenWalletWhenUserRegisteredHandler } from './open-wallet-when-user-registered.handler';

const tx = {} as EntityManager;
const AT = new Date('2026-11-27T12:00:00.000Z');

function envelope<T extends EventType>(type: T, data: EventEnvelope<T>['data']): EventEnvelope<T> {
  return {
    id: 'ev-1',
    type,
    occurredAt: AT.toISOString(),
    source: 'auth',
    correlationId: 'c-1',
    data,
  } as EventEnvelope<T>;
}

/** Wallets by user id, as the unique index keeps them: opening twice opens once. */
function setup() {
  const wallets = new Map<string, WalletRow>();
  const postings: Posting[] = [];
  const published: { type: EventType; data: unknown }[] = [];
  const settledFor: string[] = [];
  const ledger = {
    openWallet: async (_tx: EntityManager, userId: string) => {
      if (wallets.has(userId)) return undefined;
      const wallet: WalletRow = {
        id: `w-${userId}`,
        userId,
        balance: 0,
        status: 'open',
        updatedAt: AT,
      };
      wallets.set(userId, wallet);
      return wallet;
    },
    closeWallet: async (_tx: EntityManager, userId: string) => {
      const wallet = wallets.get(userId);
      if (!wallet || wallet.status === 'closed') return undefined;
      wallet.status = 'closed';
      return wallet;
    },
    post: async (_tx: EntityManager, posting: Posting) => {
      postings.push(posting);
      const wallet = [...wallets.values()].find((w) => w.id === posting.walletId)!;
      wallet.balance += posting.amount;
      return { transactionId: `tx${postings.length}`, balanceAfter: wallet.balance };
    },
  } as unknown as LedgerRepository;
  const outbox = {
    publish: async (_tx: EntityManager, type: EventType, data: unknown) =>
      void published.push({ type, data }),
  } as unknown as OutboxPublisher;
  const purchases = {
    settleWaiting: async (_tx: EntityManager, userId: string) => {
      settledFor.push(userId);
      return [];
    },
  } as unknown as PurchaseSettlementService;
  const open = (bonus: number) =>
    new OpenWalletWhenUserRegisteredHandler(
      { SIGNUP_BONUS_COINS: bonus } as AppConfig,
      ledger,
      outbox,
      purchases,
    );
  const deletedAccounts: string[] = [];
  const close = new CloseWalletWhenUserDeletedHandler(ledger, outbox, {
    record: async (_tx: EntityManager, event: EventEnvelope<'auth.user.deleted.v1'>) =>
      void deletedAccounts.push(event.data.userId),
  } as unknown as PostgresDeletedAccounts);
  return { wallets, postings, published, settledFor, open, close, deletedAccounts };
}

const registered = envelope('auth.user.registered.v1', {
  userId: 'u1',
  email: 'a@b.io',
  displayName: 'A',
  roles: ['reader'],
  registeredAt: AT.toISOString(),
});
const deleted = envelope('auth.user.deleted.v1', {
  userId: 'u1',
  deletedAt: AT.toISOString(),
});

describe('OpenWalletWhenUserRegisteredHandler', () => {
  it('opens the wallet, books the signup bonus against its system account, announces it and settles waiting purchases', async () => {
    const { open, wallets, postings, published, settledFor } = setup();
    await open(100).handle(registered, tx);
    expect(wallets.get('u1')).toMatchObject({ balance: 100, status: 'open' });
    expect(postings).toEqual([
      {
        kind: 'signup_bonus',
        reference: 'u1',
        walletId: 'w-u1',
        amount: 100,
        counterAccount: 'system:signup_bonus',
      },
    ]);
    expect(published).toEqual([
      { type: 'payment.wallet.opened.v1', data: { walletId: 'w-u1', userId: 'u1', balance: 100 } },
    ]);
    expect(settledFor).toEqual(['u1']);
  });

  it('books nothing when the bonus is zero, and still opens the wallet', async () => {
    const { open, postings, published, settledFor } = setup();
    await open(0).handle(registered, tx);
    expect(postings).toEqual([]);
    expect(published).toEqual([
      { type: 'payment.wallet.opened.v1', data: { walletId: 'w-u1', userId: 'u1', balance: 0 } },
    ]);
    expect(settledFor).toEqual(['u1']);
  });

  it('does nothing for a user registered a second time (no second bonus)', async () => {
    const { open, postings, published, settledFor, wallets } = setup();
    await open(100).handle(registered, tx);
    await open(100).handle({ ...registered, id: 'ev-2' }, tx);
    expect(postings).toHaveLength(1);
    expect(published).toHaveLength(1);
    expect(settledFor).toEqual(['u1']);
    expect(wallets.get('u1')?.balance).toBe(100);
  });
});

describe('CloseWalletWhenUserDeletedHandler', () => {
  it('closes the wallet, keeping its balance and history, and announces it once', async () => {
    const { open, close, wallets, published, deletedAccounts } = setup();
    await open(100).handle(registered, tx);
    await close.handle(deleted, tx);
    expect(deletedAccounts).toEqual(['u1']);
    await close.handle({ ...deleted, id: 'ev-3' }, tx);
    expect(wallets.get('u1')).toMatchObject({ status: 'closed', balance: 100 });
    expect(published.map((p) => p.type)).toEqual([
      'payment.wallet.opened.v1',
      'payment.wallet.closed.v1',
    ]);
    expect(published[1].data).toEqual({ walletId: 'w-u1', userId: 'u1' });
  });

  it('records the deleted account but publishes nothing for a user who never had a wallet', async () => {
    const { close, published, deletedAccounts } = setup();
    await close.handle(deleted, tx);
    expect(published).toEqual([]);
    expect(deletedAccounts).toEqual(['u1']);
  });
});
