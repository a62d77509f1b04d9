import type { EventType } from '@lib/contracts';
import type { OutboxPublisher } from '@lib/platform/postgres';
import { Registry } from 'prom-client';
import type { DataSource, EntityManager } from 'typeorm';
import type { AppConfig } from '../config';
import { PurchaseExpirySweeper } from './purchase-expiry.sweeper';
import { PurchaseMetrics } from './purchase.metrics';
import type { PurchaseRow, PurchasesRepository } from './purchases.repository';

const tx = {} as EntityManager;
const dataSource = {
  transaction: <T>(work: (tx: EntityManager) => Promise<T>) => work(tx),
} as unknown as DataSource;

function row(i: number): PurchaseRow {
  const createdAt = new Date('2026-11-27T12:00:00Z');
  return {
    id: `p${i}`,
    userId: 'u1',
    episodeId: 'e1',
    seriesId: 's1',
    episodeNo: i + 1,
    priceCoins: 3,
    status: 'expired',
    declineReason: 'PAYMENT_TIMEOUT',
    idempotencyKey: `k${i}`,
    createdAt,
    deadlineAt: new Date(createdAt.getTime() + 60_000),
    settledAt: new Date(createdAt.getTime() + 60_500),
  };
}

describe('PurchaseExpirySweeper', () => {
  it('expires in batches, publishes one expiry per purchase in its transaction, and counts them', async () => {
    // 150 due: a full batch of 100, then 50, then nothing left.
    const due = Array.from({ length: 150 }, (_, i) => row(i));
    const purchases = {
      expireDue: async (_tx: EntityManager, limit: number) => due.splice(0, limit),
    } as unknown as PurchasesRepository;
    const published: { type: EventType; data: Record<string, unknown> }[] = [];
    const outbox = {
      publish: async (_tx: EntityManager, type: EventType, data: Record<string, unknown>) =>
        void published.push({ type, data }),
    } as unknown as OutboxPublisher;
    const registry = new Registry();
    const metrics = new PurchaseMetrics(registry, async () => 0);
    const sweeper = new PurchaseExpirySweeper(
      { PURCHASE_SWEEP_INTERVAL_MS: 1000 } as AppConfig,
      dataSource,
      purchases,
      outbox,
      metrics,
    );

    expect(await sweeper.sweep()).toBe(150);
    expect(published).toHaveLength(150);
    expect(published[0]).toEqual({
      type: 'webtoon.purchase.expired.v1',
      data: {
        purchaseId: 'p0',
        userId: 'u1',
        webtoonId: 's1',
        episodeNo: 1,
        priceCoins: 3,
        reason: 'PAYMENT_TIMEOUT',
        deadlineAt: '2026-11-27T12:01:00.000Z',
        expiredAt: '2026-11-27T12:01:00.500Z',
      },
    });
    const text = await registry.metrics();
    expect(text).toContain('purchases_expired_total 150');
    expect(text).toContain('purchase_settle_seconds_count{outcome="expired"} 150');
    expect(text).toContain('purchase_settle_seconds_sum{outcome="expired"} 9075');
    expect(await sweeper.sweep()).toBe(0);
  });
});
