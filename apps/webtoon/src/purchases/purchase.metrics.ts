import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { PurchaseRow } from './purchases.repository';

export type PurchaseOutcome = 'completed' | 'declined' | 'expired';

/** The purchase saga as webtoon sees it: how purchases end, how long that takes, what is open. */
export class PurchaseMetrics {
  private readonly expired: Counter;
  private readonly settle: Histogram<'outcome'>;
  private lastPending = 0;

  constructor(registry: Registry, pending: () => Promise<number>) {
    const registers = [registry];
    this.expired = new Counter({
      name: 'purchases_expired_total',
      help: 'Purchases that reached their deadline still pending (payment did not answer in time).',
      registers,
    });
    this.settle = new Histogram({
      name: 'purchase_settle_seconds',
      help: 'From the purchase request to its terminal state, by outcome (completed, declined, expired).',
      labelNames: ['outcome'],
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    });
    const count = async () => {
      // A failed count (database away) keeps the last known value rather than failing the scrape.
      this.lastPending = await pending().catch(() => this.lastPending);
      return this.lastPending;
    };
    new Gauge({
      name: 'purchases_pending',
      help: 'Purchases requested and not yet completed, declined or expired (counted at scrape).',
      registers,
      async collect() {
        this.set(await count());
      },
    });
  }

  /** A purchase reached `outcome`; `purchase` is its row after the change. */
  ended(purchase: PurchaseRow, outcome: PurchaseOutcome): void {
    const endedAt = purchase.settledAt ?? new Date();
    this.settle.observe({ outcome }, (endedAt.getTime() - purchase.createdAt.getTime()) / 1000);
    if (outcome === 'expired') this.expired.inc();
  }
}
