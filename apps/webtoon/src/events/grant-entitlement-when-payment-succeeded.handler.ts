import { Injectable, Logger } from '@nestjs/common';
import type { EventEnvelope } from '@lib/contracts';
import { OnEvent } from '@lib/platform';
import type { EntityManager } from 'typeorm';
import { EntitlementsRepository } from '../purchases/entitlements.repository';
import { PurchasesRepository } from '../purchases/purchases.repository';

/** Step 3 of the purchase saga, success: the purchase completes and the reader owns the episode. */
@Injectable()
export class GrantEntitlementWhenPaymentSucceededHandler {
  private readonly logger = new Logger(GrantEntitlementWhenPaymentSucceededHandler.name);

  constructor(
    private readonly purchases: PurchasesRepository,
    private readonly entitlements: EntitlementsRepository,
  ) {}

  @OnEvent('payment.purchase.succeeded.v1')
  async handle(
    event: EventEnvelope<'payment.purchase.succeeded.v1'>,
    tx: EntityManager,
  ): Promise<void> {
    const purchase = await this.purchases.settle(tx, event.data.purchaseId, 'completed', null);
    if (!purchase) {
      // Already settled (a repeated outcome) or not ours: nothing to change.
      const existing = await this.purchases.find(tx, event.data.purchaseId);
      if (existing?.status === 'declined') {
        this.logger.error(`purchase ${existing.id} was declined but payment reports a debit`);
      }
      return;
    }
    await this.entitlements.grant(tx, purchase.userId, purchase.episodeId, purchase.id);
  }
}
