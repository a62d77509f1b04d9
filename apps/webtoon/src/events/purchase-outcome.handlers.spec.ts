import type { EventEnvelope, EventType } from '@lib/contracts';
import { Registry } from 'prom-client';
import type { EntityManager } from 'typeorm';
import type { EntitlementsRepository } from '../purchases/entitlements.repository';
import { PurchaseMetrics } from '../purchases/purchase.metrics';
import type { PurchaseRow, PurchasesRepository } from '../purchases/purchases.repository';
import { GrantEntitlementWhenPaymentSucceededHandler } from './grant-entitlement-when-payment-succeeded.handler';
import { MarkPurchaseDeclinedWhenPaymentDeclinedHandler } from './mark-purchase-declined-when-payment-declined.handler';

const tx = {} as EntityManager;
const AT = new Date('2026-11-27T12:00:00.000Z');

function envelope<T extends EventType>(type: T, data: EventEnvelope<T>['data']): EventEnvelope<T> {
  return {
    id: `ev-${Math.random()}`,
    type,
    occurredAt: AT.toISOString(),
    source: 'payment',
    correlationId: 'c-1',
    data,
  } as EventEnvelope<T>;
}

const succeeded = envelope('payment.purchase.succeeded.v1', {
  purchaseId: 'p1',
  userId: 'u1',
  amountCoins: 3,
  transactionId: 'tx-1',
  balanceAfter: 7,
});
const declined = envelope('payment.purchase.declined.v1', {
  purchaseId: 'p1',
  userId: 'u1',
  amountCoins: 3,
  reason: 'INSUFFICIENT_FUNDS',
});

/**
 * One purchase row, settled the way the repository's guarded UPDATE does: only while it is
 * pending (whoever changes the pending row first decides how it ends).
 */
function setup(status: PurchaseRow['status'] = 'pending') {
  const purchase: PurchaseRow = {
    id: 'p1',
    userId: 'u1',
    episodeId: 'e4',
    seriesId: 's1',
    episodeNo: 4,
    priceCoins: 3,
    status,
    declineReason: status === 'expired' ? 'PAYMENT_TIMEOUT' : null,
    idempotencyKey: 'key-0001',
    createdAt: AT,
    deadlineAt: new Date(AT.getTime() + 60_000),
    settledAt: null,
  };
  const grants: [string, string, string][] = [];
  const purchases = {
    settle: async (
      _tx: EntityManager,
      id: string,
      next: 'completed' | 'declined',
      reason: string | null,
    ) => {
      if (id !== purchase.id || purchase.status !== 'pending') return undefined;
      Object.assign(purchase, {
        status: next,
        declineReason: reason,
        settledAt: new Date(AT.getTime() + 250),
      });
      return { ...purchase };
    },
    find: async (_tx: EntityManager, id: string) =>
      id === purchase.id ? { ...purchase } : undefined,
  } as unknown as PurchasesRepository;
  const entitlements = {
    grant: async (_tx: EntityManager, userId: string, episodeId: string, purchaseId: string) => {
      grants.push([userId, episodeId, purchaseId]);
      return true;
    },
  } as unknown as EntitlementsRepository;
  const registry = new Registry();
  const metrics = new PurchaseMetrics(registry, async () => 0);
  return {
    purchase,
    grants,
    registry,
    grant: new GrantEntitlementWhenPaymentSucceededHandler(purchases, entitlements, metrics),
    decline: new MarkPurchaseDeclinedWhenPaymentDeclinedHandler(purchases, metrics),
  };
}

describe('the purchase outcome handlers', () => {
  it('complete a pending purchase on success and grant the episode, once', async () => {
    const { grant, purchase, grants, registry } = setup();
    await grant.handle(succeeded, tx);
    await grant.handle({ ...succeeded, id: 'ev-again' }, tx);
    expect(purchase).toMatchObject({ status: 'completed', declineReason: null });
    expect(grants).toEqual([['u1', 'e4', 'p1']]);
    const text = await registry.metrics();
    expect(text).toContain('purchase_settle_seconds_count{outcome="completed"} 1');
    expect(text).toContain('purchase_settle_seconds_sum{outcome="completed"} 0.25');
  });

  it('leave an expired purchase expired when the success arrives late: no entitlement (payment refunds)', async () => {
    const { grant, purchase, grants, registry } = setup('expired');
    await grant.handle(succeeded, tx);
    expect(purchase).toMatchObject({ status: 'expired', declineReason: 'PAYMENT_TIMEOUT' });
    expect(grants).toEqual([]);
    expect(await registry.metrics()).not.toContain('outcome="completed"} 1');
  });

  it('grant nothing for a success about a purchase that is not ours', async () => {
    const { grant, grants } = setup();
    await grant.handle(
      envelope('payment.purchase.succeeded.v1', { ...succeeded.data, purchaseId: 'p-other' }),
      tx,
    );
    expect(grants).toEqual([]);
  });

  it("decline a pending purchase with payment's reason, once", async () => {
    const { decline, purchase, registry } = setup();
    await decline.handle(declined, tx);
    await decline.handle({ ...declined, id: 'ev-again' }, tx);
    expect(purchase).toMatchObject({ status: 'declined', declineReason: 'INSUFFICIENT_FUNDS' });
    expect(await registry.metrics()).toContain(
      'purchase_settle_seconds_count{outcome="declined"} 1',
    );
  });

  it.each(['completed', 'expired'] as const)(
    'leave a %s purchase as it is when a decline arrives',
    async (status) => {
      const { decline, purchase, grants } = setup(status);
      await decline.handle(declined, tx);
      expect(purchase.status).toBe(status);
      expect(grants).toEqual([]);
    },
  );

  it('never grant a purchase that was declined, even if a success follows', async () => {
    const { decline, grant, purchase, grants } = setup();
    await decline.handle(declined, tx);
    await grant.handle(succeeded, tx);
    expect(purchase.status).toBe('declined');
    expect(grants).toEqual([]);
  });
});
