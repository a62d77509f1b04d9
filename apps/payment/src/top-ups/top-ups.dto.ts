import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IntRange, OptionalNotNull, Pattern } from '@lib/platform';

export class TopUpRequest {
  @ApiProperty({
    description: 'Coins to add; above the configured top-up limit (TOP_UP_MAX_COINS) is a 422',
  })
  @IntRange(1, 100_000_000)
  amount!: number;

  @ApiPropertyOptional({
    description:
      'Card to charge (simulated provider). Defaults to the accepted test card 4242424242424242; 4000000000000002 is always declined.',
    example: '4242424242424242',
  })
  @OptionalNotNull()
  @Pattern(/^\d{12,19}$/, 'cardNumber must be 12-19 digits')
  cardNumber?: string;
}

export class TopUpResponse {
  @ApiProperty({ format: 'uuid' }) topUpId!: string;
  @ApiProperty({ enum: ['succeeded'] }) status!: 'succeeded';
  @ApiProperty() amount!: number;
  @ApiProperty() balanceAfter!: number;
  @ApiProperty({ format: 'uuid' }) transactionId!: string;
  @ApiProperty() createdAt!: string;
}
