import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
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
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly settlement: PurchaseSettlementService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.tick().finally(() => (this.running = undefined));
    }, EVERY_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    try {
      for (;;) {
        const declined = await this.dataSource.transaction((tx) =>
          this.settlement.declineOverdue(tx, BATCH),
        );
        if (declined.length < BATCH) return;
      }
    } catch (error) {
      // The database may be away: the next tick tries again.
      this.logger.warn(
        `waiting purchases not swept: ${error instanceof Error ? error.message : error}`,
      );
    }
  }
}
