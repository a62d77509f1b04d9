import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@lib/contracts';
import { OnEvent } from '@lib/platform/events';
import type { EntityManager } from 'typeorm';
import { PurchaseSettlementService } from '../purchases/purchase-settlement.service';

@Injectable()
export class SettlePurchaseWhenRequestedHandler {
  constructor(private readonly settlement: PurchaseSettlementService) {}

  @OnEvent('webtoon.purchase.requested.v1')
  async handle(
    event: EventEnvelope<'webtoon.purchase.requested.v1'>,
    tx: EntityManager,
  ): Promise<void> {
    await this.settlement.settle(tx, event.data, new Date(event.occurredAt));
  }
}
