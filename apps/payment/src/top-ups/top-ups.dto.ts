import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

export class TopUpRequest {
  @ApiProperty({ description: 'Coins to add', minimum: 1, maximum: 100000 })
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  amount!: number;

  @ApiPropertyOptional({
    description:
      'Card to charge (simulated provider). Defaults to the accepted test card 4242424242424242; 4000000000000002 is always declined.',
    example: '4242424242424242',
  })
  @IsOptional()
  @IsString()
  @Matches(/^\d{12,19}$/, { message: 'cardNumber must be 12-19 digits' })
  cardNumber?: string;
}

export class TopUpDto {
  @ApiProperty({ format: 'uuid' }) topUpId!: string;
  @ApiProperty({ enum: ['succeeded'] }) status!: 'succeeded';
  @ApiProperty() amount!: number;
  @ApiProperty() balanceAfter!: number;
  @ApiProperty({ format: 'uuid' }) transactionId!: string;
  @ApiProperty() createdAt!: string;
}
