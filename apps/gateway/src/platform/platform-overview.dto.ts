import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class OverviewInstanceResponse {
  @ApiProperty() id!: string;
  @ApiProperty() address!: string;
  @ApiProperty() port!: number;
  @ApiPropertyOptional() version?: string;
  @ApiProperty({ enum: ['passing', 'ejected'] }) health!: 'passing' | 'ejected';
}

export class ServiceOverviewResponse {
  @ApiProperty() service!: string;
  @ApiProperty({
    enum: ['up', 'down'],
    description: 'up: the gateway has a passing instance and its circuit is not open',
  })
  status!: 'up' | 'down';
  @ApiProperty({ enum: ['closed', 'open', 'half-open'] }) circuit!: 'closed' | 'open' | 'half-open';
  @ApiProperty({ type: [OverviewInstanceResponse] }) instances!: OverviewInstanceResponse[];
  @ApiPropertyOptional({ description: 'Application requests per second over the last minute' })
  requestsPerSecond?: number;
  @ApiPropertyOptional({ nullable: true, type: Number, description: '5xx share, last minute' })
  errorRatio?: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) p99Seconds?: number | null;
  @ApiPropertyOptional({ type: [Number], description: 'Requests per second, oldest first' })
  rateHistory?: number[];
  @ApiPropertyOptional({
    type: [Number],
    description: 'Instances Prometheus scrapes, oldest first',
  })
  instanceHistory?: number[];
}

export class CountResponse {
  @ApiProperty() name!: string;
  @ApiProperty() count!: number;
}

export class EventCountResponse {
  @ApiProperty() type!: string;
  @ApiProperty({ description: 'Published since the publishing instances started' }) total!: number;
  @ApiProperty({ description: 'Published per minute, last 5 minutes' }) perMinute!: number;
}

export class DeadLetterResponse {
  @ApiProperty() service!: string;
  @ApiProperty() group!: string;
  @ApiProperty() type!: string;
  @ApiProperty() count!: number;
}

export class SagaResponse {
  @ApiProperty({ description: 'Purchases requested and not yet settled' }) pending!: number;
  @ApiProperty({
    type: [CountResponse],
    description: 'Purchases settled by outcome since the webtoon instances started',
  })
  settled!: CountResponse[];
}

export class MetricsStateResponse {
  @ApiProperty() available!: boolean;
  @ApiPropertyOptional({ description: 'Why the metrics are missing' }) reason?: string;
}

export class OverviewResponse {
  @ApiProperty() generatedAt!: string;
  @ApiProperty() historyStepSeconds!: number;
  @ApiProperty({ type: [ServiceOverviewResponse] }) services!: ServiceOverviewResponse[];
  @ApiPropertyOptional({ type: [EventCountResponse] }) events?: EventCountResponse[];
  @ApiPropertyOptional({ type: [DeadLetterResponse] }) deadLetters?: DeadLetterResponse[];
  @ApiPropertyOptional({ type: SagaResponse }) saga?: SagaResponse;
  @ApiProperty({ type: MetricsStateResponse }) metrics!: MetricsStateResponse;
}
