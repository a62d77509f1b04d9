import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { APP_CONFIG, PeriodicTask } from '@lib/platform';
import { OutboxPublisher } from '@lib/platform/postgres';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config';
import { PurchaseMetrics } from './purchase.metrics';
import { PurchasesRepository } from './purchases.repository';

/** Purchases expired per transaction; a larger backlog takes several in a row. */
const BATCH = 100;

/**
 * Ends purchases that are still pending at their deadline: `expired` with its reason, and
 * `webtoon.purchase.expired.v1` in the same transaction, so payment refunds a debit it may
 * make later. Every instance runs one; `FOR UPDATE SKIP LOCKED` makes them share the work
 * without expiring a purchase twice or waiting on each other.
 */
@Injectable()
export class PurchaseExpirySweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PurchaseExpirySweeper.name);
  private loop: PeriodicTask | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly purchases: PurchasesRepository,
    private readonly outbox: OutboxPublisher,
    private readonly metrics: PurchaseMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = new PeriodicTask(
      () => this.sweep(),
      this.config.PURCHASE_SWEEP_INTERVAL_MS,
      this.logger,
      'expiry sweep failed',
    );
    this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop?.stop();
  }

  /** Expires every purchase past its deadline; returns how many. */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const expired = await this.dataSource.transaction(async (tx) => {
        const rows = await this.purchases.expireDue(tx, BATCH);
        for (const row of rows) {
          await this.outbox.publish(tx, 'webtoon.purchase.expired.v1', {
            purchaseId: row.id,
            userId: row.userId,
            webtoonId: row.seriesId,
            episodeNo: row.episodeNo,
            priceCoins: row.priceCoins,
            reason: 'PAYMENT_TIMEOUT',
            deadlineAt: row.deadlineAt.toISOString(),
            expiredAt: (row.settledAt ?? new Date()).toISOString(),
          });
        }
        return rows;
      });
      for (const row of expired) this.metrics.ended(row, 'expired');
      total += expired.length;
      if (expired.length < BATCH) return total;
    }
  }
}
