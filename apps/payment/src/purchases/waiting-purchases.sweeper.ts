import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { PeriodicTask } from '@lib/platform';
import { DataSource } from 'typeorm';
import { PurchaseSettlementService } from './purchase-settlement.service';

const EVERY_MS = 1000;
const BATCH = 100;

/**
 * Declines, WALLET_NOT_FOUND, the purchases that waited for their buyer's wallet past
 * WALLET_WAIT_SECONDS. Every instance runs one; `FOR UPDATE SKIP LOCKED` shares the work, and
 * a signup settling the same purchase at that moment holds its row, so only one of them acts.
 */
@Injectable()
export class WaitingPurchasesSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WaitingPurchasesSweeper.name);
  private readonly loop = new PeriodicTask(
    () => this.sweep(),
    EVERY_MS,
    this.logger,
    'waiting purchases not swept',
  );

  constructor(
    private readonly dataSource: DataSource,
    private readonly settlement: PurchaseSettlementService,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.loop.stop();
  }

  private async sweep(): Promise<void> {
    for (;;) {
      const declined = await this.dataSource.transaction((tx) =>
        this.settlement.declineOverdue(tx, BATCH),
      );
      if (declined.length < BATCH) return;
    }
  }
}
