import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const PURCHASE_STATUSES = ['pending', 'completed', 'declined', 'expired'] as const;
export type PurchaseStatus = (typeof PURCHASE_STATUSES)[number];

export class PurchaseResponse {
  @ApiProperty({ format: 'uuid' }) purchaseId!: string;
  @ApiProperty({ enum: PURCHASE_STATUSES }) status!: PurchaseStatus;
  @ApiProperty({ format: 'uuid' }) webtoonId!: string;
  @ApiProperty() episodeNo!: number;
  @ApiProperty() priceCoins!: number;
  @ApiPropertyOptional({ description: 'Why payment declined, e.g. INSUFFICIENT_FUNDS' })
  declineReason?: string;
  @ApiPropertyOptional({
    description: 'Why it expired: PAYMENT_TIMEOUT (no answer from payment before deadlineAt)',
  })
  expiredReason?: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ description: 'A purchase still pending then expires' }) deadlineAt!: string;
  @ApiPropertyOptional() settledAt?: string;
}
