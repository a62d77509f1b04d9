import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@lib/contracts';
import { OnEvent } from '@lib/platform/events';
import type { EntityManager } from 'typeorm';
import { PurchaseSettlementService } from '../purchases/purchase-settlement.service';

/** The saga's compensation: a purchase that expired in webtoon gets its debit back, if any. */
@Injectable()
export class RefundPurchaseWhenExpiredHandler {
  constructor(private readonly settlement: PurchaseSettlementService) {}

  @OnEvent('webtoon.purchase.expired.v1')
  async handle(
    event: EventEnvelope<'webtoon.purchase.expired.v1'>,
    tx: EntityManager,
  ): Promise<void> {
    await this.settlement.expire(tx, event.data);
  }
}
