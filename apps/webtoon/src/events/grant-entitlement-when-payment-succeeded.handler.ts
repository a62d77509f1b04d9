import { Injectable, Logger } from '@nestjs/common';
import type { EventEnvelope } from '@lib/contracts';
import { OnEvent } from '@lib/platform/events';
import type { EntityManager } from 'typeorm';
import { EntitlementsRepository } from '../purchases/entitlements.repository';
import { PurchaseMetrics } from '../purchases/purchase.metrics';
import { PurchasesRepository } from '../purchases/purchases.repository';

/**
 * Step 3 of the purchase saga, success: the purchase completes and the reader owns the episode
 * — if it is still pending. A purchase that expired first stays expired: payment refunds the
 * debit when it reads the expiry (webtoon.purchase.expired.v1), so exactly one of
 * {completed, expired + refunded} happens, decided by whoever updates the pending row first.
 */
@Injectable()
export class GrantEntitlementWhenPaymentSucceededHandler {
  private readonly logger = new Logger(GrantEntitlementWhenPaymentSucceededHandler.name);

  constructor(
    private readonly purchases: PurchasesRepository,
    private readonly entitlements: EntitlementsRepository,
    private readonly metrics: PurchaseMetrics,
  ) {}

  @OnEvent('payment.purchase.succeeded.v1')
  async handle(
    event: EventEnvelope<'payment.purchase.succeeded.v1'>,
    tx: EntityManager,
  ): Promise<void> {
    const purchase = await this.purchases.settle(tx, event.data.purchaseId, 'completed', null);
    if (!purchase) {
      // Already settled (a repeated outcome), expired (payment refunds it) or not ours.
      const existing = await this.purchases.find(tx, event.data.purchaseId);
      if (existing?.status === 'expired') {
        this.logger.log(`purchase ${existing.id} succeeded after it expired; payment refunds it`);
      } else if (existing?.status === 'declined') {
        this.logger.error(`purchase ${existing.id} was declined but payment reports a debit`);
      }
      return;
    }
    await this.entitlements.grant(tx, purchase.userId, purchase.episodeId, purchase.id);
    this.metrics.ended(purchase, 'completed');
  }
}
