import { DomainError } from '@lib/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { LedgerLine, LedgerRepository, WalletRow } from './ledger.repository';
import { WalletsService } from './wallets.service';

const manager = {} as EntityManager;
const AT = new Date('2026-11-27T12:00:00.000Z');

function setup(wallet: WalletRow | undefined) {
  const line: LedgerLine = {
    transactionId: 'tx-1',
    kind: 'signup_bonus',
    reference: 'u1',
    amount: 100,
    balanceAfter: 100,
    createdAt: AT,
  };
  const ledger = {
    findWallet: jest.fn(async () => wallet),
    lines: jest.fn(async () => ({ items: [line], total: 41 })),
  };
  const service = new WalletsService(
    { manager } as unknown as DataSource,
    ledger as unknown as LedgerRepository,
  );
  return { service, ledger };
}

const open: WalletRow = { id: 'w1', userId: 'u1', balance: 100, status: 'open', updatedAt: AT };

describe('WalletsService', () => {
  it("answers the caller's wallet, a closed one included", async () => {
    const { service } = setup({ ...open, status: 'closed' });
    await expect(service.wallet('u1')).resolves.toEqual({
      walletId: 'w1',
      userId: 'u1',
      balance: 100,
      status: 'closed',
      updatedAt: AT.toISOString(),
    });
  });

  it('pages the ledger lines of the wallet, newest first, from the page and limit', async () => {
    const { service, ledger } = setup(open);
    const page = await service.transactions('u1', { page: 3, limit: 20 });
    expect(ledger.lines).toHaveBeenCalledWith(manager, 'w1', 40, 20);
    expect(page).toEqual({
      items: [
        {
          transactionId: 'tx-1',
          kind: 'signup_bonus',
          reference: 'u1',
          amount: 100,
          balanceAfter: 100,
          createdAt: AT.toISOString(),
        },
      ],
      page: 3,
      limit: 20,
      total: 41,
    });
  });

  it('answers 404 PAYMENT.WALLET_NOT_FOUND for both before the wallet is opened', async () => {
    const { service, ledger } = setup(undefined);
    for (const call of [service.wallet('u1'), service.transactions('u1', { page: 1, limit: 20 })]) {
      const error = await call.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'PAYMENT.WALLET_NOT_FOUND', status: 404 });
    }
    expect(ledger.lines).not.toHaveBeenCalled();
  });
});
