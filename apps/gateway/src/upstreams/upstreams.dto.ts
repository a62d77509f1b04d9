import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class UpstreamInstanceResponse {
  @ApiProperty() id!: string;
  @ApiProperty() address!: string;
  @ApiProperty() port!: number;
  @ApiPropertyOptional() version?: string;
  @ApiProperty({ description: 'Requests sent and still waiting for response headers' })
  outstanding!: number;
  @ApiProperty({
    enum: ['passing', 'ejected'],
    description: 'passing in Consul; ejected = refused a connection, skipped for a moment',
  })
  health!: 'passing' | 'ejected';
}

export class UpstreamServiceResponse {
  @ApiProperty() service!: string;
  @ApiProperty({ enum: ['closed', 'open', 'half-open'] }) circuit!: 'closed' | 'open' | 'half-open';
  @ApiProperty({ type: [UpstreamInstanceResponse] }) instances!: UpstreamInstanceResponse[];
}

export class UpstreamsResponse {
  @ApiProperty({ type: [UpstreamServiceResponse] }) services!: UpstreamServiceResponse[];
}
