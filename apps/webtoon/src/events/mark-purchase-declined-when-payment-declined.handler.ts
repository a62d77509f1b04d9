import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@lib/contracts';
import { OnEvent } from '@lib/platform/events';
import type { EntityManager } from 'typeorm';
import { PurchaseMetrics } from '../purchases/purchase.metrics';
import { PurchasesRepository } from '../purchases/purchases.repository';

/** Step 3 of the purchase saga, decline: the purchase ends declined with payment's reason. */
@Injectable()
export class MarkPurchaseDeclinedWhenPaymentDeclinedHandler {
  constructor(
    private readonly purchases: PurchasesRepository,
    private readonly metrics: PurchaseMetrics,
  ) {}

  @OnEvent('payment.purchase.declined.v1')
  async handle(
    event: EventEnvelope<'payment.purchase.declined.v1'>,
    tx: EntityManager,
  ): Promise<void> {
    const purchase = await this.purchases.settle(
      tx,
      event.data.purchaseId,
      'declined',
      event.data.reason,
    );
    if (purchase) this.metrics.ended(purchase, 'declined');
  }
}
