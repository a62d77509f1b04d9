import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const PURCHASE_STATUSES = ['pending', 'completed', 'declined'] as const;
export type PurchaseStatus = (typeof PURCHASE_STATUSES)[number];

export class PurchaseDto {
  @ApiProperty({ format: 'uuid' }) purchaseId!: string;
  @ApiProperty({ enum: PURCHASE_STATUSES }) status!: PurchaseStatus;
  @ApiProperty({ format: 'uuid' }) webtoonId!: string;
  @ApiProperty() episodeNo!: number;
  @ApiProperty() priceCoins!: number;
  @ApiPropertyOptional({ description: 'Why payment declined, e.g. INSUFFICIENT_FUNDS' })
  declineReason?: string;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional() settledAt?: string;
}
