import { ApiProperty } from '@nestjs/swagger';

export class WalletResponse {
  @ApiProperty({ format: 'uuid' }) walletId!: string;
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ description: 'Coins; never below zero' }) balance!: number;
  @ApiProperty({ enum: ['open', 'closed'] }) status!: 'open' | 'closed';
  @ApiProperty() updatedAt!: string;
}

export class TransactionResponse {
  @ApiProperty({ format: 'uuid' }) transactionId!: string;
  @ApiProperty({ enum: ['signup_bonus', 'top_up', 'purchase', 'purchase_refund'] }) kind!: string;
  @ApiProperty({ description: 'What was booked: the user, top-up or purchase id' })
  reference!: string;
  @ApiProperty({ description: 'Coins; positive credits, negative debits' }) amount!: number;
  @ApiProperty() balanceAfter!: number;
  @ApiProperty() createdAt!: string;
}

export class TransactionPageResponse {
  @ApiProperty({ type: [TransactionResponse] }) items!: TransactionResponse[];
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() total!: number;
}
